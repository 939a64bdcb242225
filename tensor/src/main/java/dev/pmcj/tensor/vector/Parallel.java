package dev.pmcj.tensor.vector;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The one thread pool of the CPU backend, sized to the cores. The caller takes part in the work,
 * so only {@code threads - 1} helpers are woken; items are handed out through an atomic counter so
 * a slow core (the machine is shared) does not hold the others back. Calls made from inside a task
 * run serially, which keeps nested kernels from deadlocking or oversubscribing.
 */
public final class Parallel {
    /** Worker count, including the calling thread. */
    public static final int THREADS = Runtime.getRuntime().availableProcessors();

    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, THREADS - 1), pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("pmcj-cpu-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false);

    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    private Parallel() {
    }

    /** A body over the half-open index range {@code [lo, hi)}. */
    public interface Range {
        void run(int lo, int hi);
    }

    /** Splits {@code [0, n)} into chunks of {@code grain}; more than one chunk runs on all cores. */
    public static void forRange(int n, int grain, Range body) {
        int chunks = (n + grain - 1) / grain;
        forEach(chunks, chunks > 1, c -> body.run(c * grain, Math.min(n, (c + 1) * grain)));
    }

    /** Runs {@code body} for every index in {@code [0, n)}, on all cores when {@code parallel}. */
    public static void forEach(int n, boolean parallel, IntConsumer body) {
        if (!parallel || n <= 1 || THREADS == 1 || INSIDE.get()) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            boolean outer = INSIDE.get();
            INSIDE.set(true);
            try {
                for (int i; (i = next.getAndIncrement()) < n; ) body.accept(i);
            } finally {
                INSIDE.set(outer);
            }
        };
        int helpers = Math.min(THREADS, n) - 1;
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[helpers];
        for (int h = 0; h < helpers; h++) tasks[h] = POOL.submit(worker);
        try {
            worker.run();
        } finally {
            for (ForkJoinTask<?> t : tasks) t.join();
        }
    }
}
