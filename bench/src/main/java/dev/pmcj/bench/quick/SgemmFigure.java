package dev.pmcj.bench.quick;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code sgemm_N_gflops}: square single-precision matmul on the CPU backend ({@code Backends.cpu()},
 * all cores) for each size, and {@code sgemm_peak_ratio}: the largest size's rate over
 * {@link FmaPeak}'s, measured earlier in the same run.
 */
public final class SgemmFigure implements QuickFigure {
    private final int[] sizes;

    public SgemmFigure(int... sizes) {
        this.sizes = sizes.clone();
    }

    @Override
    public List<Measurement> run(Map<String, Measurement> earlier) {
        Backend cpu = Backends.cpu();
        Random rnd = new Random(1);
        List<Measurement> out = new ArrayList<>();
        double largest = 0;
        for (int n : sizes) {
            Tensor a = random(cpu, rnd, n), b = random(cpu, rnd, n), c = cpu.allocate(Shape.of(n, n));
            // Generous warm-up: on a loaded machine C2 compiles the micro-kernel late. Many short
            // windows, as for the FMA peak: on this shared VM a core runs at full speed for stretches
            // of a second or so, and the best window is the one that caught both cores free.
            double rate = Timing.bestRate(() -> cpu.matmul(a, false, b, false, c, false), 2.0 * n * n * n,
                    n >= 512 ? 3.0 : 1.5, 10, n >= 512 ? 0.3 : 0.15);
            out.add(new Measurement("sgemm_" + n + "_gflops", rate / 1e9, "GFLOP/s"));
            largest = rate / 1e9;
        }
        Measurement peak = earlier.get(FmaPeak.NAME);
        if (peak != null && sizes.length > 0) {
            out.add(new Measurement("sgemm_peak_ratio", largest / peak.value(), "ratio"));
        }
        return out;
    }

    private static Tensor random(Backend backend, Random rnd, int n) {
        float[] v = new float[n * n];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextFloat() - 0.5f;
        return backend.fromHost(v, Shape.of(n, n));
    }
}
