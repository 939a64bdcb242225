#!/usr/bin/env python3
"""PyTorch's own per-op split of the anchor's small training step (torch.profiler, self CPU time).

Usage: /usr/bin/python3 bench/profile-torch-step.py [PATH_TO_SHARED]   (default ../shared)
Measuring only, like the anchors it imports: nothing in PMC-J or its tests depends on it. Divide
the table's totals by the 10 profiled steps; the profiler itself adds a few percent.
"""
import os
import sys

shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared")
sys.path.insert(0, os.path.join(shared, "bench", "anchors"))
import torch  # noqa: E402
import torch_gpt_bench as anchor  # noqa: E402
from torch.profiler import ProfilerActivity, profile  # noqa: E402

torch.set_num_threads(os.cpu_count() or 2)
model = anchor.build_model((4, 256, 4, 512, 128, 8), 128)  # the anchor's --config small
model.train()
opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)
data = torch.randint(0, 512, (8, 129), generator=torch.Generator().manual_seed(1234))
x, y = data[:, :-1].contiguous(), data[:, 1:].contiguous()


def step():
    opt.zero_grad(set_to_none=True)
    model(x, y).backward()
    opt.step()


for _ in range(5):
    step()
with profile(activities=[ProfilerActivity.CPU]) as prof:
    for _ in range(10):
        step()
print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=30))
