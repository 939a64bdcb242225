package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.Storage;
import dev.pmcj.tensor.Tensor;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One kernel call: arguments are collected in order, then set and enqueued together under the
 * kernel's lock (kernel arguments are shared state). A tensor argument is its buffer followed by its
 * element offset. Int arrays come from {@link ConstantBuffers}, retained for the call and released
 * once it is queued (OpenCL keeps them until the kernel has run).
 *
 * <p>The call holds the tensors' storages, not just their {@code cl_mem} handles, until the kernel is
 * queued: a temporary tensor the caller no longer uses may otherwise be collected in between, and
 * its cleaner would release the buffer before the kernel was queued on it (OpenCL only keeps a
 * released buffer for commands already queued). That ran kernels on freed memory now and then.
 */
final class Launch {
    private final ClRuntime rt;
    private final String op;
    private final cl_kernel kernel;
    private final String kernelName;
    private final List<Long> sizes = new ArrayList<>();
    private final List<Pointer> values = new ArrayList<>();
    private final List<cl_mem> retained = new ArrayList<>();
    private final List<ClStorage> held = new ArrayList<>();

    Launch(ClRuntime rt, String op, String kernelName) {
        this.rt = rt;
        this.op = op;
        this.kernel = rt.kernel(kernelName);
        this.kernelName = kernelName;
    }

    private Launch add(long size, Pointer value) {
        sizes.add(size);
        values.add(value);
        return this;
    }

    /** The tensor's device buffer and element offset; names the tensor when it lives elsewhere. */
    Launch tensor(String name, Tensor t) {
        return hold(storage(op, name, t)).i(t.offset());
    }

    /**
     * An optional tensor and its presence flag: when {@code t} is null, {@code standIn} (a tensor
     * of the same call, which the kernel then does not read) fills its place and the flag is 0.
     */
    Launch optional(String name, Tensor t, Tensor standIn) {
        return tensor(name, t == null ? standIn : t).flag(t != null);
    }

    /**
     * An attention operand {@code [B, T, heads, D]} whose rows' heads are contiguous: its buffer and
     * offset, then its batch and row strides.
     */
    Launch headRows(String name, Tensor t) {
        return tensor(name, t).i(t.stride(0)).i(t.stride(1));
    }

    private Launch hold(ClStorage s) {
        held.add(s);
        return mem(s.mem());
    }

    static ClStorage storage(String op, String name, Tensor t) {
        Storage s = t.storage();
        if (s instanceof ClStorage c) return c;
        String where = s instanceof Storage.Device d ? d.owner().name() : "the host";
        throw new IllegalArgumentException(op + ": " + name + " " + t.shape() + " lives on " + where
                + ", not on this OpenCL device (" + t.backend().name() + " tensors need transferring first)");
    }

    /** A kernel's own intermediate buffer, alone (no offset argument). */
    Launch scratch(ScratchBuffers.Scratch s) {
        return mem(s.mem());
    }

    Launch mem(cl_mem m) {
        return add(Sizeof.cl_mem, Pointer.to(m));
    }

    Launch ints(int[] values) {
        return retained(rt.constants.ints(values));
    }

    /** A buffer retained for this call (see {@link ConstantBuffers}), released once the kernel is queued. */
    Launch retained(cl_mem m) {
        retained.add(m);
        return mem(m);
    }

    Launch i(int v) {
        return add(Sizeof.cl_int, Pointer.to(new int[]{v}));
    }

    Launch flag(boolean v) {
        return i(v ? 1 : 0);
    }

    Launch f(float v) {
        return add(Sizeof.cl_float, Pointer.to(new float[]{v}));
    }

    /** An {@code int8} vector argument (dims or strides of a rank <= 8 view, zero-padded). */
    Launch int8(int[] v) {
        return add(Sizeof.cl_int8, Pointer.to(Arrays.copyOf(v, 8)));
    }

    /** {@code n} work items, one per element, in groups of {@link ClRuntime#itemGroup}. */
    void items(long n) {
        long group = rt.itemGroup(n);
        run(new long[]{(n + group - 1) / group * group}, new long[]{group}, n == 0);
    }

    /** {@code groups} work-groups of {@link ClRuntime#GROUP} items (one per row). */
    void groups(long groups) {
        groups(groups, ClRuntime.GROUP);
    }

    /** {@code groups} work-groups of {@code size} items. */
    void groups(long groups, int size) {
        run(new long[]{groups * size}, new long[]{size}, groups == 0);
    }

    void grid(long[] global, long[] local) {
        run(global, local, Arrays.stream(global).anyMatch(g -> g == 0));
    }

    private void run(long[] global, long[] local, boolean empty) {
        try {
            if (empty) return;
            synchronized (kernel) {
                for (int a = 0; a < sizes.size(); a++) {
                    try {
                        CL.clSetKernelArg(kernel, a, sizes.get(a), values.get(a));
                    } catch (CLException e) {
                        throw new IllegalStateException(op + ": kernel " + kernelName + " rejected argument " + a
                                + " of " + sizes.size() + " (" + e.getMessage() + ")", e);
                    }
                }
                cl_event done = rt.profile == null ? null : new cl_event();
                CL.clEnqueueNDRangeKernel(rt.queue, kernel, global.length, null, global, local, 0, null, done);
                if (done != null) rt.profile.add(kernelName, done);
            }
        } finally {
            for (cl_mem m : retained) CL.clReleaseMemObject(m);
            Reference.reachabilityFence(held);
        }
    }
}
