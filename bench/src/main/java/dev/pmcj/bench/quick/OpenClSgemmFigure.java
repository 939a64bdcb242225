package dev.pmcj.bench.quick;

import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.tensor.opencl.OpenClBackend;
import dev.pmcj.tensor.opencl.OpenClUnavailableException;

import java.util.List;
import java.util.Random;

/**
 * {@code opencl_sgemm_1024_gflops}: a 1024^3 single-precision matmul on OpenCL device 0, operands
 * resident on the device, each call waited for (kernels are queued asynchronously). Prints the line
 * {@code opencl_device NAME} first; without an OpenCL device it prints nothing to stdout.
 */
public final class OpenClSgemmFigure implements QuickFigure {
    private static final int N = 1024;

    @Override
    public List<Measurement> run() {
        OpenClBackend cl;
        try {
            cl = OpenClBackend.open(0);
        } catch (OpenClUnavailableException e) {
            System.err.println("opencl_sgemm: skipped, " + e.getMessage());
            return List.of();
        }
        System.out.println("opencl_device " + cl.deviceName());
        Random rnd = new Random(1);
        Tensor a = random(cl, rnd), b = random(cl, rnd), c = cl.allocate(Shape.of(N, N));
        double rate = Timing.bestRate(() -> {
            cl.matmul(a, false, b, false, c, false);
            cl.finish();
        }, 2.0 * N * N * N, 1.0, 3, 1.0);
        return List.of(new Measurement("opencl_sgemm_" + N + "_gflops", rate / 1e9, "GFLOP/s"));
    }

    private static Tensor random(OpenClBackend backend, Random rnd) {
        float[] v = new float[N * N];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextFloat() - 0.5f;
        return backend.fromHost(v, Shape.of(N, N));
    }
}
