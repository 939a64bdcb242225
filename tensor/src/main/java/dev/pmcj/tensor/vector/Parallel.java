package dev.pmcj.tensor.vector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The one thread pool of the CPU backend: {@code THREADS - 1} helper threads, the caller being the
 * last worker. Items are handed out through an atomic counter, so a slow core (the machine is
 * shared) does not hold the others back.
 *
 * <p>Helpers poll for the next job for {@link #SPIN_NANOS} after each one before they park, as
 * OpenMP's workers do. A helper that parked between two products had to be woken by the caller,
 * and Linux tends to wake a thread on the waker's own core: for seconds at a time both threads then
 * shared one core (a 1024 product alternated between 80 and 130 GFLOP/s in one process).
 *
 * <p>One job runs at a time. Calls made from inside a job, or while another thread's job runs, are
 * run serially by their caller, which keeps nested kernels from deadlocking or oversubscribing.
 */
public final class Parallel {
    /** Worker count, including the calling thread. */
    public static final int THREADS = Runtime.getRuntime().availableProcessors();

    /** How long a helper keeps polling after a job: longer than the gaps between a step's kernels. */
    private static final long SPIN_NANOS = 200_000;

    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);
    private static final ReentrantLock POSTING = new ReentrantLock();
    private static final Helper[] HELPERS = new Helper[Math.max(0, THREADS - 1)];
    /** The latest job; helpers run each job they have not run yet. */
    private static volatile Job posted;

    static {
        for (int i = 0; i < HELPERS.length; i++) HELPERS[i] = new Helper(i);
    }

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
     * nothing left. The first exception thrown by an item is rethrown here once every item has finished.
     */
    public static void forEach(int n, boolean parallel, IntConsumer body) {
        if (!parallel || n <= 1 || HELPERS.length == 0 || INSIDE.get() || !POSTING.tryLock()) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        Job job = new Job(n, body, Thread.currentThread());
        try {
            posted = job;
            for (Helper h : HELPERS) {
                if (h.parked) LockSupport.unpark(h.thread);
            }
            job.run();
            job.await();
        } finally {
            POSTING.unlock();
        }
        Throwable failure = job.failure.get();
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
    }

    /** A daemon thread that runs every posted job, polling between jobs before it parks. */
    private static final class Helper implements Runnable {
        final Thread thread;
        volatile boolean parked;

        Helper(int index) {
            thread = Thread.ofPlatform().daemon().name("pmcj-cpu-" + index).start(this);
        }

        @Override
        public void run() {
            Job last = null;
            long spinUntil = 0;
            while (true) {
                Job j = posted;
                if (j != null && j != last) {
                    last = j;
                    j.run();
                    spinUntil = System.nanoTime() + SPIN_NANOS;
                } else if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    // Checked again after announcing the park: a job posted in between is seen here,
                    // or its poster sees parked and unparks us.
                    if (posted == last) LockSupport.park(this);
                    parked = false;
                }
            }
        }
    }

    /** Items handed out by a counter; whoever finishes the last item wakes the caller. */
    private static final class Job {
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

        void run() {
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

        /** The caller, its own items done, polls briefly for the helpers' last items, then parks. */
        void await() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (remaining.get() > 0) {
                if (System.nanoTime() < spinUntil) Thread.onSpinWait();
                else LockSupport.park(this);
            }
        }
    }
}
