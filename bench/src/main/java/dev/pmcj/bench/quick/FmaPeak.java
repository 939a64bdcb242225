package dev.pmcj.bench.quick;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;

/**
 * {@code fma_peak_gflops}: the machine's practical single-precision FMA throughput through the Vector
 * API, on every core at once. Twelve independent accumulator chains per thread keep both FMA pipes
 * busy despite the FMA latency, so the loop measures throughput, not latency; the values converge
 * (x <- 0.999 x + 0.001), so nothing overflows or goes denormal.
 */
public final class FmaPeak implements QuickFigure {
    public static final String NAME = "fma_peak_gflops";
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;
    private static final int STEPS = 1 << 16;

    @Override
    public List<Measurement> run(Map<String, Measurement> earlier) {
        int threads = Runtime.getRuntime().availableProcessors();
        double flopsPerCall = 2.0 * CHAINS * S.length() * STEPS;
        double[] rates = new double[threads];
        float[] sink = new float[threads];
        CyclicBarrier start = new CyclicBarrier(threads);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                rates[id] = Timing.bestRate(() -> sink[id] += chains(STEPS), flopsPerCall, 1.0, 10, 0.3);
            });
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        double total = 0;
        for (double r : rates) total += r;
        if (Float.isNaN(sink[0])) throw new IllegalStateException("FMA chains diverged");
        return List.of(new Measurement(NAME, total / 1e9, "GFLOP/s"));
    }

    /** {@code steps} rounds of 12 independent vector FMAs; returns a lane so the work stays live. */
    public static float chains(int steps) {
        FloatVector a = FloatVector.broadcast(S, 0.999f), b = FloatVector.broadcast(S, 0.001f);
        FloatVector x0 = FloatVector.broadcast(S, 0.1f), x1 = FloatVector.broadcast(S, 0.2f);
        FloatVector x2 = FloatVector.broadcast(S, 0.3f), x3 = FloatVector.broadcast(S, 0.4f);
        FloatVector x4 = FloatVector.broadcast(S, 0.5f), x5 = FloatVector.broadcast(S, 0.6f);
        FloatVector x6 = FloatVector.broadcast(S, 0.7f), x7 = FloatVector.broadcast(S, 0.8f);
        FloatVector x8 = FloatVector.broadcast(S, 0.9f), x9 = FloatVector.broadcast(S, 1.1f);
        FloatVector x10 = FloatVector.broadcast(S, 1.2f), x11 = FloatVector.broadcast(S, 1.3f);
        for (int i = 0; i < steps; i++) {
            x0 = x0.fma(a, b);
            x1 = x1.fma(a, b);
            x2 = x2.fma(a, b);
            x3 = x3.fma(a, b);
            x4 = x4.fma(a, b);
            x5 = x5.fma(a, b);
            x6 = x6.fma(a, b);
            x7 = x7.fma(a, b);
            x8 = x8.fma(a, b);
            x9 = x9.fma(a, b);
            x10 = x10.fma(a, b);
            x11 = x11.fma(a, b);
        }
        return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11).lane(0);
    }
}
