#!/usr/bin/env python3
"""Disassembles what C2 compiled for one method, without an hsdis build for this JDK.

Usage:
  java --add-modules jdk.incubator.vector -XX:CompileCommand=print,dev/pmcj/tensor/vector/GemmKernels.kernel8 \\
       -cp ... SOME.Main > asm.txt
  bench/c2-disasm.py asm.txt [SUBSTRING]      # the last C2 block whose header contains SUBSTRING

HotSpot prints the machine code as hex words ([MachCode]) when no disassembler library loads; this
takes the last C2-compiled block (the one that ran longest is usually the last), turns its hex back
into bytes and disassembles them with binutils' objdump (Intel syntax). Measuring only: nothing in
the product or its tests uses it.
"""
import re
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    text = open(sys.argv[1]).read()
    want = sys.argv[2] if len(sys.argv) > 2 else ""
    blocks = [b for b in re.split(r"\nCompiled method ", text)[1:] if b.startswith("(c2)") and want in b.split("\n")[0]]
    if not blocks:
        sys.exit(f"no C2 block{' for ' + want if want else ''} in {sys.argv[1]}")
    block = blocks[-1]
    body = re.search(r"\[Verified Entry Point\](.*?)(\[Stub Code\]|\[Exception Handler\]|\Z)", block, re.S)
    words = re.findall(r"^\s+0x[0-9a-f]+: ([0-9a-f |]+)$", body.group(1) if body else block, re.M)
    code = bytes.fromhex("".join(w.replace(" ", "").replace("|", "") for w in words))
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(code)
        f.flush()
        out = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "-Mintel", f.name],
                             capture_output=True, text=True, check=True).stdout
    print("#", block.split("\n")[0].strip(), f"({len(code)} bytes)")
    print(out.split("<.data>:", 1)[-1].strip())


if __name__ == "__main__":
    main()
