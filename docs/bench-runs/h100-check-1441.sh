#!/usr/bin/env bash
# Recorded as run on the lent H100 machine (no JDK, no network there): .gpu/ held a jlinked JDK 25 (jrt.tar.xz), the
# built jars (lib/), test classes and the JUnit console launcher (testlib/), Debian's libOpenCL.so.1, ../shared/data
# (shared.tar.xz) and a root/ folder marking the repository root for SharedData; see docs/performance.md.
# Device check: OpenCL tests, bench/quick --device opencl, the PyTorch anchor on CUDA, the short demo.
set -u
cd "$(dirname "$0")/.."
G="$PWD/.gpu"; OUT="${OUT:-/tmp/out}"; mkdir -p "$OUT"
T0=$(date +%s)
el() { echo "### t=$(( $(date +%s) - T0 ))s $*"; }
el start; nproc; (nvidia-smi -L 2>&1 || true); grep -m1 'model name' /proc/cpuinfo
if [ -z "${LOCAL:-}" ]; then
  tar xJf "$G/jrt.tar.xz" -C /tmp; J=/tmp/jrt/bin/java
  el probe
  for d in /usr/local/nvidia /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/cuda /etc/OpenCL /opt; do
    timeout 20 find "$d" \( -name 'libnvidia-opencl.so*' -o -name 'libOpenCL.so*' -o -name '*.icd' \) 2>/dev/null
  done | sort -u | tee "$OUT/probe.txt"
  NV=$(grep 'libnvidia-opencl.so.1$' "$OUT/probe.txt" | head -1)
  [ -z "$NV" ] && NV=$(grep 'libnvidia-opencl.so' "$OUT/probe.txt" | head -1)
  mkdir -p /tmp/icd /tmp/ocl
  if [ -n "$NV" ]; then echo "$NV" > /tmp/icd/nvidia.icd; export OCL_ICD_VENDORS=/tmp/icd; fi
  cp "$G/libOpenCL.so.1" /tmp/ocl/libOpenCL.so; ln -sf libOpenCL.so /tmp/ocl/libOpenCL.so.1
  export LD_LIBRARY_PATH="/tmp/ocl:$(dirname "${NV:-/x/y}"):${LD_LIBRARY_PATH:-}"
  echo "ICD: ${NV:-none}"
else
  J=java
fi
JO=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC)
el tests
CP="$G/testlib/tensor-testclasses.jar:$G/testlib/transformer-testclasses.jar:$(ls "$G"/testlib/jq*.jar "$G"/testlib/api*.jar "$G"/lib/*.jar | tr '\n' ':')"
PMCJ_REPO_ROOT="$G/root" timeout "${TEST_S:-200}" "$J" "${JO[@]}" -Xmx8g -jar "$G/testlib/junit-platform-console-standalone-1.14.1.jar" execute \
  --class-path "$CP" --config jqwik.reporting.onlyfailures=true --config jqwik.database=/tmp/jqwik-db \
  --select-class dev.pmcj.tensor.opencl.OpenClBackendConformanceTest --select-class dev.pmcj.tensor.opencl.OpenClOtherKernelsConformanceTest \
  --select-class dev.pmcj.transformer.opencl.OpenClStories260kTest --select-class dev.pmcj.transformer.opencl.OpenClTrainingStepTest \
  --details=tree --disable-banner 2>&1 | tee "$OUT/tests.txt" | grep -v -E '^\s*$' | tail -60
el bench
timeout "${BENCH_S:-180}" "$J" "${JO[@]}" -Xmx8g -Dpmcj.shared="$G/shared" -cp "$G/lib/*" dev.pmcj.bench.Quick --device opencl 2>&1 | tee "$OUT/quick-opencl.txt"
if [ -z "${LOCAL:-}" ]; then
  el torch
  timeout 120 python3 bench/anchor-on-cuda.py "$G/anchors" 2>&1 | tee "$OUT/torch-cuda.txt"
fi
el demo
for dev in opencl cpu; do
  timeout "${DEMO_S:-100}" "$J" "${JO[@]}" -Xmx8g -cp "$G/lib/*" dev.pmcj.pmc.cli.Main demo --device $dev --authors 10 --finetune-epochs 2 \
    --pmc-epochs 1 --methods pmc --out /tmp/demo-$dev 2>&1 | grep -v -E '\[|%' | tail -25
  cp /tmp/demo-$dev/metrics.json "$OUT/demo-$dev-metrics.json" 2>/dev/null
  el "demo $dev done"
done
el end
