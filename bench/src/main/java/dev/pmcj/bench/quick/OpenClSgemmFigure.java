package dev.pmcj.bench.quick;

import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.tensor.opencl.OpenClBackend;
import dev.pmcj.tensor.opencl.OpenClUnavailableException;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code opencl_sgemm_N_gflops}: square single-precision matmuls on OpenCL device 0, operands
 * resident on the device, each call waited for (kernels are queued asynchronously). Prints the line
 * {@code opencl_device NAME} first; without an OpenCL device it prints nothing to stdout.
 */
public final class OpenClSgemmFigure implements QuickFigure {
    private final OpenClBackend device;
    private final int[] sizes;

    /** On device 0, opened (and named) when it runs. */
    public OpenClSgemmFigure(int... sizes) {
        this(null, sizes);
    }

    /** On a device already opened. */
    public OpenClSgemmFigure(OpenClBackend device, int... sizes) {
        this.device = device;
        this.sizes = sizes.clone();
    }

    /** OpenCL device 0 with its {@code opencl_device} line printed, or null with a note on stderr. */
    public static OpenClBackend openAndName() {
        try {
            OpenClBackend cl = OpenClBackend.open(0);
            System.out.println("opencl_device " + cl.deviceName());
            return cl;
        } catch (OpenClUnavailableException e) {
            System.err.println("opencl: skipped, " + e.getMessage());
            return null;
        }
    }

    @Override
    public List<Measurement> run() {
        OpenClBackend cl = device != null ? device : openAndName();
        if (cl == null) return List.of();
        Random rnd = new Random(1);
        List<Measurement> out = new ArrayList<>();
        for (int n : sizes) {
            Tensor a = random(cl, rnd, n), b = random(cl, rnd, n), c = cl.allocate(Shape.of(n, n));
            double rate = Timing.bestRate(() -> {
                cl.matmul(a, false, b, false, c, false);
                cl.finish();
            }, 2.0 * n * n * n, 1.0, 3, 1.0);
            out.add(new Measurement("opencl_sgemm_" + n + "_gflops", rate / 1e9, "GFLOP/s"));
        }
        return out;
    }

    private static Tensor random(OpenClBackend backend, Random rnd, int n) {
        float[] v = new float[n * n];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextFloat() - 0.5f;
        return backend.fromHost(v, Shape.of(n, n));
    }
}
