#!/usr/bin/env bash
# Recorded as run on the lent H100 machine (no JDK, no network there): .gpu/ held a jlinked JDK 25 (jrt.tar.xz), the
# built jars (lib/), test classes and the JUnit console launcher (testlib/), Debian's libOpenCL.so.1, ../shared/data
# (shared.tar.xz) and a root/ folder marking the repository root for SharedData; see docs/performance.md.
# Device check 2: every module's tests (CI=true, 16 cores, OpenCL on the GPU), bench/quick --device
# opencl, the PyTorch anchor on CUDA, the full demo on OpenCL and on the CPU, then bench/quick on the CPU.
set -u
cd "$(dirname "$0")/.."
G="$PWD/.gpu"; OUT="${OUT:-/tmp/out}"; mkdir -p "$OUT"
T0=$(date +%s)
el() { echo "### t=$(( $(date +%s) - T0 ))s $*"; }
el start; nproc; nvidia-smi -L; grep -m1 'model name' /proc/cpuinfo
tar xJf "$G/jrt.tar.xz" -C /tmp; J=/tmp/jrt/bin/java; export PATH=/tmp/jrt/bin:$PATH
tar xJf "$G/shared.tar.xz" -C "$G"
NV=/usr/local/nvidia/lib64/libnvidia-opencl.so.1
mkdir -p /tmp/icd /tmp/ocl; echo "$NV" > /tmp/icd/nvidia.icd; export OCL_ICD_VENDORS=/tmp/icd
cp "$G/libOpenCL.so.1" /tmp/ocl/libOpenCL.so; ln -sf libOpenCL.so /tmp/ocl/libOpenCL.so.1
export LD_LIBRARY_PATH="/tmp/ocl:/usr/local/nvidia/lib64:${LD_LIBRARY_PATH:-}"
JO=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC)
el tests
TJ=$(ls "$G"/testlib/*-testclasses.jar | tr '\n' ':')
CP="$TJ$(ls "$G"/testlib/jq*.jar "$G"/testlib/api*.jar "$G"/lib/*.jar | tr '\n' ':')"
CI=true PMCJ_REPO_ROOT="$G/root" timeout 170 "$J" "${JO[@]}" -ea -Xmx12g -cp "$G/testlib/junit-platform-console-standalone-1.14.1.jar:$CP" \
  org.junit.platform.console.ConsoleLauncher execute --scan-class-path "$TJ" --include-classname '.*(Test|Tests|Properties)$' \
  --config jqwik.reporting.onlyfailures=true --config jqwik.database=/tmp/jqwik-db --details=summary --disable-banner \
  > "$OUT/tests-all.txt" 2>&1; echo "tests rc=$?"; grep -E "tests (successful|failed|skipped|aborted)|containers failed|MethodSource|=>" "$OUT/tests-all.txt" | head -30
el bench-opencl
timeout 120 "$J" "${JO[@]}" -Xmx8g -Dpmcj.shared="$G/shared" -cp "$G/lib/*" dev.pmcj.bench.Quick --device opencl 2>&1 | tee "$OUT/quick-opencl.txt"
el torch
timeout 90 python3 bench/anchor-on-cuda.py "$G/anchors" 2>&1 | grep -v '^#' | tee "$OUT/torch-cuda.txt"
for dev in opencl cpu; do
  el "demo $dev"
  timeout 200 "$J" "${JO[@]}" -Xms512m -Xmx6g -cp "$G/lib/*" dev.pmcj.pmc.cli.Main demo --device $dev --out /tmp/demo-$dev 2>&1 \
    | tr '\r' '\n' | grep -v '^  \[' | tail -12
  cp /tmp/demo-$dev/metrics.json "$OUT/demo-full-$dev.json" 2>/dev/null
done
el quick-cpu
timeout 200 "$J" "${JO[@]}" -Xmx2g -XX:+UseTransparentHugePages -Dpmcj.shared="$G/shared" -cp "$G/lib/*" dev.pmcj.bench.Quick 2>&1 | tee "$OUT/quick-cpu16.txt"
el end
