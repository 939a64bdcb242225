package dev.pmcj.bench.quick;

import java.util.Arrays;

/** Throughput of a repeated action: warm up (so the JIT compiles it), then the best of a few windows. */
public final class Timing {
    private Timing() {
    }

    /**
     * Runs {@code action} for {@code warmupSeconds}, then for {@code windows} windows of
     * {@code windowSeconds} each, and returns the best rate in work units per second, where one call
     * does {@code workPerCall} units. The best window is the one least disturbed by other load on a
     * shared machine.
     */
    public static double bestRate(Runnable action, double workPerCall, double warmupSeconds, int windows,
                                  double windowSeconds) {
        if (warmupSeconds > 0) runFor(action, warmupSeconds);
        double best = 0;
        for (int w = 0; w < windows; w++) best = Math.max(best, windowRate(action, workPerCall, windowSeconds));
        return best;
    }

    /** The rate of one window: {@code action} called for {@code seconds} (at least once), in work units per second. */
    public static double windowRate(Runnable action, double workPerCall, double seconds) {
        long start = System.nanoTime();
        long calls = runFor(action, seconds);
        return calls * workPerCall / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Untimed calls last at least this long: C2 goes on compiling a workload's loops for a second or
     * two of short calls. After a fixed count of stories260K generations (0.1-0.5 s), one stream
     * measured 27,900 tokens/s and 32 streams 80,800; after 3 s, 39,700 and 115,300 (same code).
     */
    public static final double MIN_WARMUP_SECONDS = 3;

    /**
     * Runs {@code action} untimed {@code warmup} times and for at least {@link #MIN_WARMUP_SECONDS},
     * then returns the median of {@code reps} timed calls in ms.
     */
    public static double medianMillis(Runnable action, int warmup, int reps) {
        warmUp(action, warmup, MIN_WARMUP_SECONDS);
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            action.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return reps % 2 == 1 ? ms[reps / 2] : (ms[reps / 2 - 1] + ms[reps / 2]) / 2;
    }

    /** Calls {@code action} untimed at least {@code calls} times and for at least {@code seconds}. */
    public static void warmUp(Runnable action, int calls, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        for (int i = 0; i < calls || System.nanoTime() < end; i++) action.run();
    }

    /** Calls {@code action} until {@code seconds} have passed (at least once); returns the number of calls. */
    public static long runFor(Runnable action, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9), calls = 0;
        do {
            action.run();
            calls++;
        } while (System.nanoTime() < end);
        return calls;
    }
}
