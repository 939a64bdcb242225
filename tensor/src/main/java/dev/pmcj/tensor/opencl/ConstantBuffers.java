package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.RopeTable;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_mem;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Read-only device buffers made from small host arrays (ids, positions, cache rows, rope angles),
 * kept by content. Decoding passes one token's positions to every layer's rope, cache write and
 * attention: uploading them for each call cost a buffer's creation and release per call, about a
 * fifth of a decoding step's host time on an NVIDIA H200. Kernels never write these buffers and the
 * queue runs in order, so one buffer serves any number of calls.
 *
 * <p>A buffer handed out is retained for its caller, who releases it once the kernel is queued, so
 * another thread's eviction cannot free it in between; an evicted buffer is released, which OpenCL
 * defers until the kernels queued on it have run.
 */
final class ConstantBuffers {
    /** Larger arrays (a training batch's ids) are uploaded for their call alone. */
    private static final int MAX_BYTES = 1 << 16;
    private static final int MAX_ENTRIES = 64;

    private final ClRuntime rt;
    private final Map<Key, cl_mem> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, cl_mem> eldest) {
            if (size() <= MAX_ENTRIES) return false;
            CL.clReleaseMemObject(eldest.getValue());
            return true;
        }
    };

    ConstantBuffers(ClRuntime rt) {
        this.rt = rt;
    }

    /** A buffer holding {@code values}, the caller's to release: a kept one retained, a large one fresh. */
    cl_mem ints(int[] values) {
        Supplier<cl_mem> make = () -> upload(Sizeof.cl_int, values.length, Pointer.to(values));
        return (long) values.length * Sizeof.cl_int > MAX_BYTES ? make.get() : get(new Key(0, 0f, values), make);
    }

    /**
     * The rope table of {@code positions}, {@code theta} and head size {@code d}: {@code cos, sin} of
     * {@code positions[n] * theta^(-2i/d)} per (n, i), the CPU backend's {@link RopeTable} rows one
     * after another; retained for the caller.
     */
    cl_mem ropeTable(int[] positions, float theta, int d) {
        return get(new Key(d, theta, positions), () -> {
            RopeTable table = RopeTable.of(theta, d, 1);
            float[] cs = new float[positions.length * d];
            for (int n = 0; n < positions.length; n++) System.arraycopy(table.row(positions[n]), 0, cs, n * d, d);
            return upload(Sizeof.cl_float, cs.length, Pointer.to(cs));
        });
    }

    private synchronized cl_mem get(Key key, Supplier<cl_mem> make) {
        cl_mem m = entries.get(key);
        if (m == null) {
            m = make.get();
            entries.put(key.copy(), m);
        }
        CL.clRetainMemObject(m);
        return m;
    }

    private cl_mem upload(int elementBytes, int count, Pointer data) {
        return rt.buffer(CL.CL_MEM_READ_ONLY, elementBytes, count, data);
    }

    /** A table's kind and parameters with its array, compared by content. */
    private record Key(int d, float theta, int[] values) {
        Key copy() {
            return new Key(d, theta, values.clone()); // callers refill their arrays
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.d == d && Float.compare(k.theta, theta) == 0 && Arrays.equals(k.values, values);
        }

        @Override
        public int hashCode() {
            return (31 * d + Float.hashCode(theta)) * 31 + Arrays.hashCode(values);
        }
    }
}
