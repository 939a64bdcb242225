#!/usr/bin/env bash
# Device check on a lent NVIDIA GPU machine (no JDK, no network): carry .gpu/ as packed by bench/gpu-bundle.
# Output in $OUT: tests-all.txt, quick.txt, op-times.txt (each line tagged with its run), demo-full-opencl.json
# (a reply brings back few files and the end of the output only).
# 1. every module's tests with CI=true (OpenCL device 0 = the GPU, the CPU backend on the host's cores);
# 2. bench/quick --device opencl (JFR=1: under JFR, profile settings; the recordings come back for `jfr print`);
#    BUNDLES="A B" runs it for each of several bundle folders' lib/ in turn (an older build beside this one);
# 3. with "all": bench/op-times --device opencl (OPTIMES_CONFIGS, default "small gpt2"; decode and decode32 too; each bundle), the PyTorch anchor on CUDA (TORCH=0 skips it), and the
#    full demo on OpenCL (DEMO=0 skips it); OPTIMES_BUNDLES="A B" picks op-times' bundles (default BUNDLES), OPTIMES_VARIANTS="OPTS;OPTS"
#    runs each op-times once per entry, with its JVM options (an empty entry: none; e.g. ";-Dpmcj.opencl.rowAttention=true").
#    FACTS=1: first dev.pmcj.bench.KernelFacts (kernel-facts.txt, program.ptx.xz); QUICK=0 skips step 2.  Optional first arg: "quick" skips step 1; TESTS=REGEX picks test classes.
set -u
cd "$(dirname "$0")/../.."
G="$PWD/.gpu"; OUT="${OUT:-/tmp/out}"; mkdir -p "$OUT"
T0=$(date +%s)
el() { echo "### t=$(( $(date +%s) - T0 ))s $*"; }
el start; nproc; (nvidia-smi -L 2>&1 || true); grep -m1 'model name' /proc/cpuinfo
tar xJf "$G/jrt.tar.xz" -C /tmp; J=/tmp/jrt/bin/java
tar xJf "$G/shared.tar.xz" -C "$G"
if [ -z "${LOCAL:-}" ]; then
  NV=/usr/local/nvidia/lib64/libnvidia-opencl.so.1
  [ -e "$NV" ] || NV=$(timeout 30 find / -xdev -name 'libnvidia-opencl.so.1' 2>/dev/null | head -1)
  echo "ICD: $NV"
  mkdir -p /tmp/icd /tmp/ocl; echo "$NV" > /tmp/icd/nvidia.icd; export OCL_ICD_VENDORS=/tmp/icd
  cp "$G/libOpenCL.so.1" /tmp/ocl/libOpenCL.so; ln -sf libOpenCL.so /tmp/ocl/libOpenCL.so.1
  export LD_LIBRARY_PATH="/tmp/ocl:$(dirname "$NV"):${LD_LIBRARY_PATH:-}"
fi
JO=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC)
if [ "${1:-}" != quick ]; then
  el tests
  TJ=$(ls "$G"/testlib/*-testclasses.jar | tr '\n' ':')
  CP="$TJ$(ls "$G"/testlib/jq*.jar "$G"/testlib/api*.jar "$G"/lib/*.jar | tr '\n' ':')"
  CI=true PMCJ_REPO_ROOT="$G/root" timeout "${TESTS_S:-240}" "$J" "${JO[@]}" -ea -Xmx12g -cp "$G/testlib/junit-platform-console-standalone-1.14.1.jar:$CP" \
    org.junit.platform.console.ConsoleLauncher execute --scan-class-path "$TJ" --include-classname "${TESTS:-.*(Test|Tests|Properties)$}" \
    --config jqwik.reporting.onlyfailures=true --config jqwik.database=/tmp/jqwik-db --details=summary --disable-banner \
    > "$OUT/tests-all.txt" 2>&1; echo "tests rc=$?"; grep -E "tests (successful|failed|skipped|aborted)|containers failed|MethodSource|=>" "$OUT/tests-all.txt" | head -30
fi
if [ "${FACTS:-0}" = 1 ]; then # each kernel's spilled and local memory, and the compiled program (PTX on NVIDIA)
  el "kernel facts"
  timeout 60 "$J" "${JO[@]}" -cp "$G/lib/*" dev.pmcj.bench.KernelFacts "$OUT/program.ptx" 2>&1 | grep -v '^WARNING' | tee "$OUT/kernel-facts.txt"
  xz -9 "$OUT/program.ptx" 2>/dev/null || true
fi
i=0
[ "${QUICK:-1}" = 1 ] || BUNDLES=" " # QUICK=0: no bench/quick runs
for B in ${BUNDLES:-$G}; do
  i=$((i + 1)); tag="$i-$(basename "$B")"
  el "quick --device opencl ($tag)"
  timeout "${QUICK_S:-150}" "$J" "${JO[@]}" -Xmx8g ${JFR:+-XX:StartFlightRecording=filename="$OUT/quick-opencl-$tag.jfr",settings=profile} \
    -Dpmcj.shared="$G/shared" -cp "$B/lib/*" dev.pmcj.bench.Quick --device opencl 2>&1 | grep -v 'jfr\|Flight' | sed "s/^/[$tag] /" | tee -a "$OUT/quick.txt"
done
if [ "${1:-}" = all ]; then
  IFS=';' read -r -a variants <<< "${OPTIMES_VARIANTS:-}"; [ ${#variants[@]} -eq 0 ] && variants=("")
  for B in ${OPTIMES_BUNDLES:-${BUNDLES:-$G}}; do
    for opts in "${variants[@]}"; do # OPTIMES_VARIANTS="-Da=1;-Db=2 -Dc=3": each op-times once per entry's JVM options
      for cfg in ${OPTIMES_CONFIGS:-small gpt2}; do
        steps=20; case $cfg in decode*) steps=4;; esac # a decode "step" is a whole generation
        el "op-times $cfg --device opencl ($(basename "$B")${opts:+ $opts})"
        timeout 90 "$J" "${JO[@]}" -Xmx8g $opts -Dpmcj.shared="$G/shared" -cp "$B/lib/*" dev.pmcj.bench.OpTimes $cfg $steps --device opencl 2>&1 \
          | sed "s/^/[$cfg $(basename "$B")${opts:+ $opts}] /" | tee -a "$OUT/op-times.txt"
      done
    done
  done
  el torch
  [ "${TORCH:-1}" = 1 ] && timeout 90 python3 bench/anchor-on-cuda.py "$G/shared/bench/anchors" 2>&1 | grep -v '^#' | tee "$OUT/torch-cuda.txt"
  el "demo opencl"
  [ "${DEMO:-1}" = 1 ] && timeout "${DEMO_S:-120}" "$J" "${JO[@]}" -Xms512m -Xmx6g -cp "$G/lib/*" dev.pmcj.pmc.cli.Main demo --device opencl --out /tmp/demo-opencl 2>&1 \
    | tr '\r' '\n' | grep -v '^  \[' | tail -12
  cp /tmp/demo-opencl/metrics.json "$OUT/demo-full-opencl.json" 2>/dev/null
fi
el end
