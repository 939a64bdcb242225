package dev.pmcj.bench.quick;

import dev.pmcj.tensor.vector.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's practical single-precision FMA throughput through the Vector API, on every core at
 * once. Twelve independent accumulator chains per thread keep both FMA pipes busy despite the FMA
 * latency, so the loop measures throughput, not latency; the values converge (x <- 0.999 x + 0.001),
 * so nothing overflows or goes denormal.
 */
public final class FmaPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;
    private static final int STEPS = 1 << 14;
    /** Chain runs per round: enough for every core to take several. */
    private static final int ITEMS = 64;

    private FmaPeak() {
    }

    /**
     * FLOP/s of one window of at least {@code seconds}: rounds of {@value #ITEMS} chain runs handed out
     * through the CPU backend's own pool ({@link Parallel}), as a matmul's tiles are. Threads of their
     * own measured less than the 1024 product in the same seconds: Linux starts a new thread on its
     * parent's core and takes its time to move it.
     */
    public static double window(double seconds) {
        float[] sink = new float[ITEMS];
        double rate = Timing.windowRate(() -> Parallel.forEach(ITEMS, true, i -> sink[i] += chains(STEPS)),
                ITEMS * 2.0 * CHAINS * S.length() * STEPS, seconds);
        if (Float.isNaN(sink[0])) throw new IllegalStateException("FMA chains diverged");
        return rate;
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
