#!/usr/bin/env python3
"""The PyTorch anchor's training steps (../shared/bench/anchors/torch_gpt_bench.py, its model and
AdamW as they are) on a CUDA GPU in fp32 with TF32 off, and fp32 matmuls, for figures side by side
with `bench/quick --device opencl` on the same machine. For measuring only: nothing in the build or
the tests runs it. Usage: python3 bench/anchor-on-cuda.py ANCHORS_DIR
Prints "NAME VALUE UNIT" lines named cuda_torch_*; each is the median of timed repetitions after
untimed ones, every repetition waited for (torch.cuda.synchronize)."""
import importlib.util
import statistics
import sys
import time

spec = importlib.util.spec_from_file_location("anchor", sys.argv[1] + "/torch_gpt_bench.py")
anchor = importlib.util.module_from_spec(spec)
spec.loader.exec_module(anchor)
torch = anchor.torch
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.set_default_device("cuda")  # the anchor's model makes its tensors (positions, masks) on the default device


def median_ms(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def emit(name, value, unit):
    print("%s %.4g %s" % (name, value, unit), flush=True)


print("cuda_device", torch.cuda.get_device_name(0), flush=True)
for n in (1024, 4096):
    a, b, c = torch.rand(n, n) - 0.5, torch.rand(n, n) - 0.5, torch.empty(n, n)
    ms = median_ms(lambda: torch.matmul(a, b, out=c), 5, 20)
    emit("cuda_torch_sgemm_%d_gflops" % n, 2.0 * n ** 3 / ms / 1e6, "GFLOP/s")
for name, warmup, reps in (("small", 8, 9), ("gpt2", 3, 5)):  # bench/quick's repetitions
    cfg = anchor.CONFIGS[name]
    vocab, T, B = cfg[3], cfg[4], cfg[5]
    model = anchor.build_model(cfg, T)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1, betas=(0.9, 0.999), eps=1e-8)
    data = torch.randint(0, vocab, (B, T + 1))
    x, y = data[:, :-1].contiguous(), data[:, 1:].contiguous()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = model(x, y)
        loss.backward()
        opt.step()
        float(loss.detach())

    ms = median_ms(step, warmup, reps)
    emit("cuda_torch_train_step_%s_ms" % name, ms, "ms")
    emit("cuda_torch_train_%s_tokens_per_s" % name, B * T / ms * 1e3, "tokens/s")
