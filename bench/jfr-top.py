#!/usr/bin/env python3
"""Where a JFR recording's samples fall within one part of a run: the execution and native-method
samples whose stack holds FRAME (a class or method name, e.g. GenerateFigure), counted by their top
frame, with the span from the first such sample to the last. Used on recordings brought back from a
lent GPU machine (docs/bench-runs/gpu-check-1127.sh), where only the JFR file returns.
Usage: python3 bench/jfr-top.py FRAME RECORDING.jfr [...]   (needs `jfr` of JDK 25 on the PATH)"""
import collections
import json
import subprocess
import sys
from datetime import datetime

frame = sys.argv[1]
for path in sys.argv[2:]:
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events",
                          "jdk.NativeMethodSample,jdk.ExecutionSample", path], capture_output=True, text=True, check=True)
    kinds, tops, times = collections.Counter(), collections.Counter(), []
    for e in json.loads(out.stdout)["recording"]["events"]:
        names = [f["method"]["type"]["name"].split("/")[-1] + "." + f["method"]["name"]
                 for f in e["values"]["stackTrace"]["frames"]]
        if not any(frame in n for n in names):
            continue
        kinds[e["type"]] += 1
        tops[names[0]] += 1
        times.append(datetime.fromisoformat(e["values"]["startTime"].replace("Z", "+00:00")).timestamp())
    span = max(times) - min(times) if times else 0.0
    print(f"{path}: {sum(kinds.values())} samples ({dict(kinds)}), span {span:.2f} s")
    for name, n in tops.most_common(8):
        print(f"  {n:5d}  {name}")
