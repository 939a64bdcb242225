package dev.pmcj.bench.quick;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code sgemm_N_gflops}: square single-precision matmul on the CPU backend ({@code Backends.cpu()},
 * all cores) for each size; {@code fma_peak_gflops} ({@link FmaPeak}); and {@code sgemm_peak_ratio},
 * the largest size's rate over the peak. The largest size and the peak are timed in alternating
 * windows, each figure the best of its windows. This shared VM changes speed for seconds at a time
 * (either loop can run at half speed), so a peak timed before the product compared one stretch of
 * the machine with another: ratios of 0.58 to 0.95 in one session. Alternating gives both loops
 * the same chance at the fast stretches.
 */
public final class SgemmFigure implements QuickFigure {
    private static final String PEAK = "fma_peak_gflops";
    private static final int WINDOWS = 16;
    private static final double WINDOW_SECONDS = 0.25;
    private final int[] sizes;

    public SgemmFigure(int... sizes) {
        this.sizes = sizes.clone();
    }

    @Override
    public List<Measurement> run() {
        Backend cpu = Backends.cpu();
        Random rnd = new Random(1);
        List<Measurement> out = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            int n = sizes[i];
            Tensor a = random(cpu, rnd, n), b = random(cpu, rnd, n), c = cpu.allocate(Shape.of(n, n));
            Runnable product = () -> cpu.matmul(a, false, b, false, c, false);
            double flops = 2.0 * n * n * n;
            // Generous warm-up: on a loaded machine C2 compiles the micro-kernel late.
            Timing.runFor(product, n >= 512 ? 3.0 : 1.5);
            if (i < sizes.length - 1) {
                out.add(gflops(n, Timing.bestRate(product, flops, 0, 10, 0.15)));
                continue;
            }
            FmaPeak.window(1.0); // warm-up
            double peak = 0, rate = 0;
            for (int w = 0; w < WINDOWS; w++) {
                peak = Math.max(peak, FmaPeak.window(WINDOW_SECONDS));
                rate = Math.max(rate, Timing.windowRate(product, flops, WINDOW_SECONDS));
            }
            out.addFirst(new Measurement(PEAK, peak / 1e9, "GFLOP/s"));
            out.add(gflops(n, rate));
            out.add(new Measurement("sgemm_peak_ratio", rate / peak, "ratio"));
        }
        return out;
    }

    private static Measurement gflops(int n, double rate) {
        return new Measurement("sgemm_" + n + "_gflops", rate / 1e9, "GFLOP/s");
    }

    private static Tensor random(Backend backend, Random rnd, int n) {
        float[] v = new float[n * n];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextFloat() - 0.5f;
        return backend.fromHost(v, Shape.of(n, n));
    }
}
