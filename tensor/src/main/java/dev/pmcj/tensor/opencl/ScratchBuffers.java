package dev.pmcj.tensor.opencl;

import org.jocl.CL;
import org.jocl.cl_mem;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Device buffers for kernels' own intermediate results (a split product's slices, attention's row
 * sums, partial sums of squares), handed back after use and kept for the next call. Releasing them
 * instead stalled the host once a call: NVIDIA's {@code clReleaseMemObject} waits for the kernels
 * queued on the buffer (JFR on an H200: 120 samples of sgemm 1024's 9 s in it). Reuse needs no
 * events because the queue runs in order: a buffer handed back once its last kernel is queued is
 * written again only by kernels queued after that one.
 */
final class ScratchBuffers {
    /** Buffers kept between calls; beyond them the smallest is released. */
    private static final int KEEP = 8;

    private final ClRuntime rt;
    private final List<Scratch> free = new ArrayList<>();

    ScratchBuffers(ClRuntime rt) {
        this.rt = rt;
    }

    /** A buffer of at least {@code floats} floats, of this caller's alone until closed. */
    synchronized Scratch take(long floats) {
        Scratch best = null;
        for (Scratch s : free) {
            if (s.floats >= floats && (best == null || s.floats < best.floats)) best = s;
        }
        if (best == null) return new Scratch(rt.buffer(floats, null), floats);
        free.remove(best);
        return best;
    }

    private synchronized void giveBack(Scratch s) {
        free.add(s);
        if (free.size() > KEEP) {
            Scratch smallest = free.stream().min(Comparator.comparingLong(x -> x.floats)).orElseThrow();
            free.remove(smallest);
            CL.clReleaseMemObject(smallest.mem);
        }
    }

    /** One taken buffer; closing it hands it back (after the last kernel on it is queued). */
    final class Scratch implements AutoCloseable {
        private final cl_mem mem;
        private final long floats;

        private Scratch(cl_mem mem, long floats) {
            this.mem = mem;
            this.floats = floats;
        }

        cl_mem mem() {
            return mem;
        }

        @Override
        public void close() {
            giveBack(this);
        }
    }
}
