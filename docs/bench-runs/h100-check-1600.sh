#!/usr/bin/env bash
# Recorded as run on the lent H100 machine with the .gpu/ bundle described in h100-check-1441.sh.
# Device check 3 (final code): every module's tests (CI=true) on the H100 machine, bench/quick --device opencl, bench/quick on its CPU.
set -u
cd "$(dirname "$0")/.."
G="$PWD/.gpu"; OUT="${OUT:-/tmp/out}"; mkdir -p "$OUT"
T0=$(date +%s)
el() { echo "### t=$(( $(date +%s) - T0 ))s $*"; }
el start; nproc; nvidia-smi -L; grep -m1 'model name' /proc/cpuinfo; grep -o -m1 -w avx512f /proc/cpuinfo || echo "no avx512f"
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
timeout 100 "$J" "${JO[@]}" -Xmx8g -Dpmcj.shared="$G/shared" -cp "$G/lib/*" dev.pmcj.bench.Quick --device opencl 2>&1 | tee "$OUT/quick-opencl.txt"
el quick-cpu
timeout 150 "$J" "${JO[@]}" -Xmx2g -XX:+UseTransparentHugePages -Dpmcj.shared="$G/shared" -cp "$G/lib/*" dev.pmcj.bench.Quick 2>&1 | tee "$OUT/quick-cpu16.txt"
el end
