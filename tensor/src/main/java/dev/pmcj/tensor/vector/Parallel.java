package dev.pmcj.tensor.vector;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
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

    /**
     * Runs {@code body} for every index in {@code [0, n)}, on all cores when {@code parallel}. The
     * caller waits for the items, not for the helpers: a helper the OS has not yet scheduled finds
     * nothing left and exits, so a loaded machine costs no extra time slice. The first exception
     * thrown by an item is rethrown here once every item has finished.
     */
    public static void forEach(int n, boolean parallel, IntConsumer body) {
        if (!parallel || n <= 1 || THREADS == 1 || INSIDE.get()) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        Job job = new Job(n, body, Thread.currentThread());
        for (int h = Math.min(THREADS, n) - 1; h > 0; h--) POOL.execute(job);
        job.run();
        while (job.remaining.get() > 0) LockSupport.park(job);
        Throwable failure = job.failure.get();
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
    }

    /** Items handed out by a counter; whoever finishes the last item wakes the caller. */
    private static final class Job implements Runnable {
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger remaining;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final int n;
        final IntConsumer body;
        final Thread caller;

        Job(int n, IntConsumer body, Thread caller) {
            this.n = n;
            this.body = body;
            this.caller = caller;
            this.remaining = new AtomicInteger(n);
        }

        @Override
        public void run() {
            boolean outer = INSIDE.get();
            INSIDE.set(true);
            try {
                for (int i; (i = next.getAndIncrement()) < n; ) {
                    try {
                        if (failure.get() == null) body.accept(i);
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    } finally {
                        if (remaining.decrementAndGet() == 0 && Thread.currentThread() != caller) {
                            LockSupport.unpark(caller);
                        }
                    }
                }
            } finally {
                INSIDE.set(outer);
            }
        }
    }
}
