package dev.pmcj.bench;

import dev.pmcj.bench.quick.OpenClSgemmFigure;
import dev.pmcj.tensor.opencl.OpenClBackend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What OpenCL device 0's compiler made of PMC-J's kernels: one line a kernel (private memory, that is
 * registers spilled, local memory, the largest work-group it can run with, the preferred multiple),
 * and with a path argument the compiled program written there (PTX on NVIDIA), to read a kernel's
 * registers and spills where no profiler can run. Usage: {@code KernelFacts [program-file]}.
 */
public final class KernelFacts {
    private KernelFacts() {
    }

    public static void main(String[] args) throws IOException {
        OpenClBackend cl = OpenClSgemmFigure.openAndName();
        if (cl == null) System.exit(1);
        cl.kernelFacts().forEach(System.out::println);
        if (args.length > 0) {
            byte[] binary = cl.programBinary();
            Files.write(Path.of(args[0]), binary);
            System.out.println("program: " + binary.length + " bytes in " + args[0]);
        }
    }
}
