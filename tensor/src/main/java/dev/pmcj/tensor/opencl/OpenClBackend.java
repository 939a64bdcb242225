package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.AdamWParams;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.Checks;
import dev.pmcj.tensor.ReduceOp;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.tensor.UnaryOp;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;

import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link Backend} on an OpenCL device (a GPU, or PoCL on the CPU) through JOCL. Tensors live in
 * device buffers ({@link ClStorage}); {@link #toHost} and {@link #fromHost} are the only transfers
 * (plus the small int arrays of ids, targets and positions each call receives, and rotary cos/sin
 * tables computed on the host in double). Validation is the shared {@link Checks}, so bad calls fail
 * exactly as on the reference; the kernels are the {@code .cl} resources of this package.
 */
public final class OpenClBackend implements Backend {
    private static final int MAX_RANK = 8;
    private static final Map<Integer, OpenClBackend> OPEN = new HashMap<>();

    /** matmul.cl's tile side, its work-group's side (items), and its depth of one step along k. */
    private static final int TILE = 64, SIDE = 8, DEPTH = 16;
    /** optim.cl's elements updated per AdamW work item. */
    private static final int ADAMW_UPDATES = 4;
    /**
     * Work-groups of matmul.cl a compute unit needs to hide its latencies (a group is two warps);
     * settable, to measure the split products' occupancy against their slices' sums.
     */
    private static final int GROUPS_PER_UNIT = Integer.getInteger("pmcj.opencl.groupsPerUnit", 4);
    /** Query rows a head from which attention takes the tiled kernels ({@link #tiledAttention}). */
    private static final int TILED_MIN_ROWS = 16;
    /** Every attention through the row kernels (transformer.cl), to measure them against the tiled ones. */
    private static final boolean ROW_ATTENTION = Boolean.getBoolean("pmcj.opencl.rowAttention");
    /** The least depth of k (or rows of a column sum) worth a work-group when work is split. */
    private static final int MIN_SLICE = 128;

    private final ClRuntime rt;
    private final int index;
    private final Kernels kernels;

    private OpenClBackend(ClRuntime rt, int index, Kernels kernels) {
        this.rt = rt;
        this.index = index;
        this.kernels = kernels;
    }

    /**
     * Variants of the matmul and attention kernels. GPU: work-groups cooperate through local memory
     * and barriers. CPU ({@code *_cpu} kernels): one work item per output block or row and no barriers,
     * since PoCL runs a group's items as a loop and spills whatever lives across a barrier. GPU_SPLIT
     * is GPU with every product split along k and every sum over rows in three chunks ({@link #kChunk},
     * {@link #columnSums}), so tests reach those paths on small shapes.
     */
    enum Kernels {
        GPU, CPU, GPU_SPLIT;

        String name(String kernel) {
            return this == CPU ? kernel + "_cpu" : kernel;
        }
    }

    /** Names of every OpenCL device, in the order {@link #open} numbers them. */
    public static List<String> deviceNames() {
        return ClRuntime.enumerate().stream().map(ClRuntime.DeviceRef::name).toList();
    }

    /**
     * The backend on device {@code index} (one instance per device, kernels compiled on first use).
     *
     * @throws OpenClUnavailableException when there is no usable OpenCL device at all
     * @throws IllegalArgumentException   when devices exist but {@code index} is not one of them
     */
    public static synchronized OpenClBackend open(int index) {
        OpenClBackend open = OPEN.get(index);
        if (open != null) return open;
        List<ClRuntime.DeviceRef> devices = ClRuntime.enumerate();
        if (index < 0 || index >= devices.size()) {
            throw new IllegalArgumentException("opencl:" + index + ": no such device; the " + devices.size()
                    + " OpenCL device(s) are " + devices.stream().map(ClRuntime.DeviceRef::name).toList());
        }
        ClRuntime rt = new ClRuntime(devices.get(index));
        OpenClBackend b = new OpenClBackend(rt, index, rt.cpu ? Kernels.CPU : Kernels.GPU);
        OPEN.put(index, b);
        return b;
    }

    Kernels kernels() {
        return kernels;
    }

    ClRuntime runtime() {
        return rt;
    }

    /** This device with the given kernel variants (tests run both on whatever device they have). */
    OpenClBackend withKernels(Kernels variants) {
        return new OpenClBackend(rt, index, variants);
    }

    @Override
    public String name() {
        return "opencl:" + index;
    }

    /** The device's name as OpenCL reports it. */
    public String deviceName() {
        return rt.ref.name();
    }

    /** Waits until every queued kernel has finished (for timing; transfers to the host wait anyway). */
    public void finish() {
        CL.clFinish(rt.queue);
    }

    /**
     * Device time per kernel since the last call (kernel name -> {nanoseconds, calls}), after waiting
     * for the queue; empty unless the JVM runs with {@code -Dpmcj.opencl.profile=true}.
     */
    public Map<String, long[]> kernelTimes() {
        if (rt.profile == null) return Map.of();
        finish();
        return rt.profile.drain();
    }

    /** Each kernel's private (spilled) and local memory and group limits as the device compiled them (the bench module's KernelFacts prints them). */
    public List<String> kernelFacts() {
        return rt.kernelFacts();
    }

    /** The compiled program as the driver returns it: PTX text on NVIDIA, where registers and spills can be read. */
    public byte[] programBinary() {
        return rt.programBinary();
    }

    private Launch launch(String op, String kernel) {
        return new Launch(rt, op, kernel);
    }

    // ---- memory and transfers -------------------------------------------------------------

    @Override
    public Tensor allocate(Shape shape) {
        Tensor t = uninitialized(shape);
        fill(t, 0f);
        return t;
    }

    private Tensor uninitialized(Shape shape) {
        int n = shape.size();
        return new Tensor(this, new ClStorage(this, rt.buffer(n, null), n), shape);
    }

    @Override
    public Tensor fromHost(float[] data, Shape shape) {
        if (data.length != shape.numel()) {
            throw new IllegalArgumentException("fromHost: " + data.length + " numbers do not fill shape " + shape);
        }
        Pointer init = data.length == 0 ? null : Pointer.to(data);
        return new Tensor(this, new ClStorage(this, rt.buffer(data.length, init), data.length), shape);
    }

    @Override
    public void toHost(Tensor src, float[] dst) {
        if (dst.length != src.size()) {
            throw new IllegalArgumentException("toHost: src " + src.shape() + " has " + src.size()
                    + " elements but dst holds " + dst.length);
        }
        Tensor c = src.isContiguous() ? src : stage("toHost", "src", src);
        if (dst.length > 0) {
            CL.clEnqueueReadBuffer(rt.queue, Launch.storage("toHost", "src", c).mem(), CL.CL_TRUE,
                    (long) c.offset() * Sizeof.cl_float, (long) dst.length * Sizeof.cl_float, Pointer.to(dst), 0, null, null);
        }
        if (c != src) release(c);
        Reference.reachabilityFence(c);
    }

    @Override
    public void fromHost(float[] src, Tensor dst) {
        Checks.contiguous("fromHost", "dst", dst);
        if (src.length != dst.size()) {
            throw new IllegalArgumentException("fromHost: " + src.length + " numbers for dst " + dst.shape()
                    + " of " + dst.size() + " elements");
        }
        if (src.length == 0) return;
        CL.clEnqueueWriteBuffer(rt.queue, Launch.storage("fromHost", "dst", dst).mem(), CL.CL_TRUE,
                (long) dst.offset() * Sizeof.cl_float, (long) src.length * Sizeof.cl_float, Pointer.to(src), 0, null, null);
        Reference.reachabilityFence(dst); // its buffer must outlive the write (see Launch)
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        Checks.like("copy", "src", src, "dst", dst);
        // Overlapping views go through a fresh buffer, so dst receives src's old values.
        Tensor from = overlaps(src, dst) ? stage("copy", "src", src) : src;
        stridedCopy("copy", from, dst);
        if (from != src) release(from);
    }

    /**
     * Frees a scratch tensor's buffer now rather than at garbage collection; OpenCL keeps it until the
     * kernels already queued on it have run.
     */
    private static void release(Tensor scratch) {
        ((ClStorage) scratch.storage()).release();
    }

    /** A contiguous copy of any view in a new buffer. */
    private Tensor stage(String op, String name, Tensor t) {
        Launch.storage(op, name, t);
        Tensor out = uninitialized(t.shape());
        stridedCopy(op, t, out);
        return out;
    }

    private void stridedCopy(String op, Tensor src, Tensor dst) {
        rankAtMost(op, "src", src);
        launch(op, "copy_strided").tensor("src", src).int8(src.strides()).tensor("dst", dst)
                .int8(src.shape().dims()).i(src.rank()).i(src.size()).items(src.size());
    }

    private static void rankAtMost(String op, String name, Tensor t) {
        if (t.rank() > MAX_RANK) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.shape() + " has rank " + t.rank()
                    + "; the OpenCL kernels take at most " + MAX_RANK + " axes");
        }
    }

    /** True when {@code in} shares a buffer with {@code out} and is not element-for-element the same view. */
    private static boolean overlaps(Tensor in, Tensor out) {
        return in.storage() == out.storage()
                && !(in.offset() == out.offset() && Arrays.equals(in.strides(), out.strides()));
    }

    @Override
    public void fill(Tensor dst, float value) {
        Checks.contiguous("fill", "dst", dst);
        launch("fill", "fill").tensor("dst", dst).i(dst.size()).f(value).items(dst.size());
    }

    // ---- linear algebra ---------------------------------------------------------------------

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, boolean accumulate) {
        product(a, transA, b, transB, c, accumulate, null);
    }

    @Override
    public void linear(Tensor a, Tensor w, Tensor bias, Tensor c, boolean accumulate) {
        Checks.bias("linear", bias, c);
        product(a, false, w, true, c, accumulate, bias);
    }

    /** The product kernel; bias (or null) added per column as c is stored. */
    private void product(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, boolean accumulate, Tensor bias) {
        Checks.MatmulDims d = Checks.matmul(a, transA, b, transB, c);
        int kChunk = kChunk(d), splits = kChunk < d.k() ? (d.k() + kChunk - 1) / kChunk : 1;
        Launch call = launch("matmul", kernels.name("matmul"))
                .tensor("a", a).i(d.m() * d.k()).flag(transA)
                .tensor("b", b).i(d.sharedB() ? 0 : d.k() * d.n()).flag(transB);
        long[] grid = {(d.n() + TILE - 1) / TILE * SIDE, (d.m() + TILE - 1) / TILE * SIDE, (long) d.batch() * splits};
        long[] group = {SIDE, SIDE, 1};
        if (splits == 1) {
            call.tensor("c", c).i(d.m()).i(d.n()).i(d.k()).flag(accumulate).optional("bias", bias, c);
            if (kernels == Kernels.CPU) {
                // One item per 4x8 block of c, 4x4 items (16x32 of c) per work-group: PoCL runs a group per task.
                call.grid(new long[]{roundUp((d.n() + 7) / 8, 4), roundUp((d.m() + 3) / 4, 4), d.batch()}, new long[]{4, 4, 1});
            } else {
                call.i(1).i(kChunk).grid(grid, group);
            }
            return;
        }
        try (ScratchBuffers.Scratch partial = rt.scratch.take(grid[2] * d.m() * d.n())) {
            call.scratch(partial).i(0).i(d.m()).i(d.n()).i(d.k()).flag(false).scratch(partial).i(0).flag(false)
                    .i(splits).i(kChunk).grid(grid, group);
            launch("matmul", "matmul_sum_splits").scratch(partial).i(splits).i(d.batch()).i(d.m()).i(d.n())
                    .tensor("c", c).flag(accumulate).optional("bias", bias, c)
                    .items((long) d.batch() * d.m() * d.n());
        }
    }

    /**
     * How deep a slice of k one work-group sums: all of k, unless the product has fewer tiles than
     * {@link #GROUPS_PER_UNIT} a compute unit, when k is cut into slices of at least {@link #MIN_SLICE},
     * enough for that many (GPT-2's products at 256 tokens: 48 to 192 tiles on an H200's 132 units,
     * the LM head's input gradient with k = 50,257; eight groups a unit split them slower, the extra
     * slices' sums costing more than the occupancy gained). GPU_SPLIT cuts every k deeper than one
     * step into three, so tests reach the split path on small shapes.
     */
    private int kChunk(Checks.MatmulDims d) {
        long tiles = (long) d.batch() * ((d.m() + TILE - 1) / TILE) * ((d.n() + TILE - 1) / TILE);
        long slices = switch (kernels) {
            case CPU -> 1;
            case GPU -> {
                long groups = (long) GROUPS_PER_UNIT * rt.computeUnits;
                yield tiles == 0 || tiles >= groups ? 1 : Math.min(d.k() / MIN_SLICE, (groups + tiles - 1) / tiles);
            }
            case GPU_SPLIT -> d.k() > DEPTH ? 3 : 1;
        };
        return slices <= 1 ? d.k() : (int) roundUp((d.k() + slices - 1) / slices, DEPTH);
    }

    private static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    // ---- element-wise -----------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        String name = Checks.unary(op, x, out);
        launch(name, "unary").i(op.ordinal()).tensor("x", x).tensor("out", out).i(x.size()).items(x.size());
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx, boolean accumulate) {
        String name = Checks.unaryBackward(op, x, y, dy, dx);
        launch(name, "unary_backward").i(op.ordinal()).tensor("x", x).tensor("dy", dy).tensor("dx", dx)
                .i(accumulate ? 1 : 0).i(x.size()).items(x.size());
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        String name = Checks.name(op);
        Checks.binary(op, a, b, out);
        rankAtMost(name, "out", out);
        Tensor av = a.broadcastTo(out.shape()), bv = b.broadcastTo(out.shape());
        boolean stageA = overlaps(av, out), stageB = overlaps(bv, out);
        if (stageA) av = stage(name, "a", av);
        if (stageB) bv = stage(name, "b", bv);
        launch(name, "binary").i(op.ordinal()).tensor("a", av).int8(av.strides()).tensor("b", bv).int8(bv.strides())
                .tensor("out", out).int8(out.shape().dims()).i(out.rank()).i(out.size()).items(out.size());
        if (stageA) release(av);
        if (stageB) release(bv);
    }

    @Override
    public void affine(Tensor x, float alpha, float beta, Tensor out) {
        Checks.contiguous("affine", "x", x);
        Checks.like("affine", "x", x, "out", out);
        launch("affine", "affine").tensor("x", x).f(alpha).f(beta).tensor("out", out).i(x.size()).items(x.size());
    }

    @Override
    public void sumTo(Tensor x, Tensor out, boolean accumulate) {
        Checks.sumTo(x, out);
        rankAtMost("sumTo", "x", x);
        if (x.size() == 0) {
            if (!accumulate) fill(out, 0f);
            return;
        }
        if (kernels != Kernels.CPU && sumsLeadingAxes(x, out)) {
            columnSums("sumTo", ColumnSums.DY, x, null, null, null, null, out, accumulate);
            return;
        }
        int rank = x.rank(), lead = rank - out.rank();
        int[] reduced = new int[rank];
        for (int a = 0; a < rank; a++) reduced[a] = (a < lead || out.dim(a - lead) == 1) && x.dim(a) != 1 ? 1 : 0;
        launch("sumTo", "sum_to").tensor("x", x).int8(x.shape().dims()).int8(reduced).i(rank)
                .tensor("out", out).i(out.size()).flag(accumulate).items(out.size());
    }

    /** True when out is x's trailing axes (after any leading axes of 1): x's rows summed into one. */
    private static boolean sumsLeadingAxes(Tensor x, Tensor out) {
        int first = 0;
        while (first < out.rank() && out.dim(first) == 1) first++;
        int kept = out.rank() - first;
        if (kept == 0 || kept > x.rank()) return false;
        for (int i = 0; i < kept; i++) {
            if (out.dim(first + i) != x.dim(x.rank() - kept + i)) return false;
        }
        return true;
    }

    /** What {@link #columnSums} sums over rows: column_sums_partial's modes, in its order. */
    private enum ColumnSums { DY, LAYER_NORM, RMS_NORM }

    /**
     * Per column of {@code [rows, n]} tensors, sums over the rows into g and b (DY: b (+)= dy's;
     * LAYER_NORM: g += dy xhat's, b += dy's, b null for none; RMS_NORM: g += dy x rstd's), in chunks
     * of rows enough for two work-groups a compute unit, each at least {@link #MIN_SLICE} rows
     * (GPU_SPLIT: three, so tests reach several chunks on small shapes); chunks added in order.
     */
    private void columnSums(String op, ColumnSums mode, Tensor dy, Tensor x, Tensor mean, Tensor rstd,
                            Tensor g, Tensor b, boolean accumulate) {
        int n = mode == ColumnSums.DY ? b.size() : g.size(), rows = dy.size() / n;
        long columnGroups = (n + 63) / 64;
        long chunks = kernels == Kernels.GPU_SPLIT ? Math.min(3, rows)
                : Math.max(1, Math.min(rows / MIN_SLICE, (2L * rt.computeUnits + columnGroups - 1) / columnGroups));
        int chunkRows = (int) ((rows + chunks - 1) / chunks);
        chunks = (rows + chunkRows - 1) / chunkRows;
        // A sum the kernel does not write in this mode gets a one-float placeholder for its argument.
        try (ScratchBuffers.Scratch pg = rt.scratch.take(mode == ColumnSums.DY ? 1 : chunks * n);
             ScratchBuffers.Scratch pb = rt.scratch.take(mode == ColumnSums.RMS_NORM ? 1 : chunks * n)) {
            launch(op, "column_sums_partial").i(mode.ordinal()).tensor("dy", dy).tensor("x", x == null ? dy : x)
                    .tensor("mean", mean == null ? dy : mean).tensor("rstd", rstd == null ? dy : rstd)
                    .i(rows).i(n).i(chunkRows).scratch(pg).scratch(pb)
                    .grid(new long[]{columnGroups * 64, chunks * 4}, new long[]{64, 4});
            if (mode != ColumnSums.DY) sumChunks(op, pg, (int) chunks, g, accumulate);
            if (b != null) sumChunks(op, pb, (int) chunks, b, accumulate);
        }
    }

    /** out (+)= the sum of {@code chunks} rows of partial sums, in order. */
    private void sumChunks(String op, ScratchBuffers.Scratch partial, int chunks, Tensor out, boolean accumulate) {
        launch(op, "matmul_sum_splits").scratch(partial).i(chunks).i(1).i(1).i(out.size())
                .tensor("out", out).flag(accumulate).tensor("bias", out).flag(false).items(out.size());
    }

    // ---- reductions -------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        int a = Checks.reduce(op, x, axis, out);
        int[] dims = x.shape().dims();
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++) outer *= dims[i];
        for (int i = a + 1; i < dims.length; i++) inner *= dims[i];
        launch(Checks.name(op), "reduce_axis").i(op.ordinal()).tensor("x", x).tensor("out", out)
                .i(outer).i(dims[a]).i(inner).items((long) outer * inner);
    }

    @Override
    public void sumOfSquares(Tensor x, Tensor out) {
        Checks.oneElement("sumOfSquares", x, out);
        int groups = (int) Math.max(1, Math.min(256, (x.size() + ClRuntime.GROUP - 1L) / ClRuntime.GROUP));
        try (ScratchBuffers.Scratch partial = rt.scratch.take(groups)) {
            launch("sumOfSquares", "sum_squares_partial").tensor("x", x).i(x.size())
                    .scratch(partial).groups(groups);
            launch("sumOfSquares", "sum_partials").scratch(partial).i(groups)
                    .tensor("out", out).groups(1);
        }
    }

    // ---- last-axis kernels ------------------------------------------------------------------

    @Override
    public void softmax(Tensor x, Tensor out) {
        rowKernel("softmax", "softmax", x, "out", out);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        rowBackward("softmaxBackward", "softmax_backward", y, dy, dx);
    }

    @Override
    public void logSoftmax(Tensor x, Tensor out) {
        rowKernel("logSoftmax", "log_softmax", x, "out", out);
    }

    @Override
    public void logSoftmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        rowBackward("logSoftmaxBackward", "log_softmax_backward", y, dy, dx);
    }

    private void rowKernel(String op, String kernel, Tensor x, String name, Tensor out) {
        Checks.lastAxis(op, x, name, out);
        launch(op, kernel).tensor("x", x).tensor(name, out).i(x.shape().last()).groups(rows(x));
    }

    private void rowBackward(String op, String kernel, Tensor y, Tensor dy, Tensor dx) {
        Checks.lastAxis(op, y, "dy", dy);
        Checks.like(op, "y", y, "dx", dx);
        launch(op, kernel).tensor("y", y).tensor("dy", dy).tensor("dx", dx).i(y.shape().last()).groups(rows(y));
    }

    /** Rows of a last-axis kernel; none when the tensor is empty. */
    private static int rows(Tensor x) {
        return x.size() == 0 ? 0 : x.shape().rows();
    }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out, Tensor mean, Tensor rstd) {
        String op = "layerNorm";
        Checks.layerNorm(op, x, gamma, beta, out, mean, rstd);
        launch(op, "layer_norm").tensor("x", x).tensor("gamma", gamma).optional("beta", beta, gamma)
                .f(eps).tensor("out", out).tensor("mean", mean).tensor("rstd", rstd)
                .i(x.shape().last()).groups(rows(x));
    }

    @Override
    public void layerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = "layerNormBackward";
        Checks.layerNormBackward(op, dy, x, gamma, mean, rstd, dx, dgamma, dbeta);
        int n = x.shape().last();
        launch(op, "layer_norm_backward_dx").tensor("dy", dy).tensor("x", x).tensor("gamma", gamma)
                .tensor("mean", mean).tensor("rstd", rstd).tensor("dx", dx).i(n).groups(rows(x));
        if (kernels != Kernels.CPU && x.size() > 0) {
            columnSums(op, ColumnSums.LAYER_NORM, dy, x, mean, rstd, dgamma, dbeta, true);
            return;
        }
        launch(op, "layer_norm_backward_params").tensor("dy", dy).tensor("x", x).tensor("mean", mean)
                .tensor("rstd", rstd).tensor("dgamma", dgamma).optional("dbeta", dbeta, dgamma)
                .i(rows(x)).i(n).items(x.size() == 0 ? 0 : n);
    }

    @Override
    public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out, Tensor rstd) {
        String op = "rmsNorm";
        Checks.rmsNorm(op, x, gamma, out, rstd);
        launch(op, "rms_norm").tensor("x", x).tensor("gamma", gamma).f(eps).tensor("out", out).tensor("rstd", rstd)
                .i(x.shape().last()).groups(rows(x));
    }

    @Override
    public void rmsNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor rstd, Tensor dx, Tensor dgamma) {
        String op = "rmsNormBackward";
        Checks.rmsNormBackward(op, dy, x, gamma, rstd, dx, dgamma);
        int n = x.shape().last();
        launch(op, "rms_norm_backward_dx").tensor("dy", dy).tensor("x", x).tensor("gamma", gamma)
                .tensor("rstd", rstd).tensor("dx", dx).i(n).groups(rows(x));
        if (kernels != Kernels.CPU && x.size() > 0) {
            columnSums(op, ColumnSums.RMS_NORM, dy, x, null, rstd, dgamma, null, true);
            return;
        }
        launch(op, "rms_norm_backward_params").tensor("dy", dy).tensor("x", x).tensor("rstd", rstd)
                .tensor("dgamma", dgamma).i(rows(x)).i(n).items(x.size() == 0 ? 0 : n);
    }

    // ---- transformer kernels ----------------------------------------------------------------

    @Override
    public void rope(Tensor x, int[] positions, float theta, Tensor out) {
        Checks.rope("rope", x, positions, out);
        rotate("rope", x, positions, theta, 1f, out, false);
    }

    @Override
    public void ropeBackward(Tensor dy, int[] positions, float theta, Tensor dx) {
        Checks.rope("ropeBackward", dy, positions, dx);
        rotate("ropeBackward", dy, positions, theta, -1f, dx, true);
    }

    private void rotate(String op, Tensor x, int[] positions, float theta, float sign, Tensor out, boolean accumulate) {
        int heads = x.dim(1), d = x.dim(2), pairs = positions.length * heads * (d / 2);
        launch(op, "rope").tensor(op.equals("rope") ? "x" : "dy", x).i(x.stride(0)).retained(rt.constants.ropeTable(positions, theta, d)).f(sign)
                .tensor(op.equals("rope") ? "out" : "dx", out).i(heads).i(d).flag(accumulate).i(pairs).items(pairs);
    }

    /**
     * q, k and v (and dq, dk, dv) go to the kernels as views with their batch and row strides
     * ({@link Launch#headRows}), so slices of one fused projection's rows need no copies.
     */
    @Override
    public void attention(Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse) {
        String op = "attention";
        Checks.attention(op, q, k, v, qPos, out, lse);
        int b = q.dim(0), t = q.dim(1), h = q.dim(2);
        boolean tiled = tiledAttention(t, q.dim(3));
        attentionRows(launch(op, attentionKernel("attention_forward", tiled)).headRows("q", q).headRows("k", k).headRows("v", v)
                .ints(qPos).tensor("out", out).tensor("lse", lse).i(t).i(h).i(q.dim(3)).i(k.dim(1)).i(k.dim(2)), tiled, b * h, t);
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse, Tensor dout,
                                  Tensor dq, Tensor dk, Tensor dv) {
        String op = "attentionBackward";
        Checks.attentionBackward(op, q, k, v, qPos, out, lse, dout, dq, dk, dv);
        int b = q.dim(0), t = q.dim(1), h = q.dim(2), d = q.dim(3), s = k.dim(1), kv = k.dim(2);
        boolean tiled = tiledAttention(t, d);
        // dout . out per query row, computed by the dq kernel and read by the dk/dv kernel.
        try (ScratchBuffers.Scratch delta = rt.scratch.take((long) b * t * h)) {
            attentionRows(launch(op, attentionKernel("attention_backward_dq", tiled)).headRows("q", q).headRows("k", k)
                    .headRows("v", v).ints(qPos).tensor("out", out).tensor("lse", lse).tensor("dout", dout).headRows("dq", dq)
                    .scratch(delta).i(t).i(h).i(d).i(s).i(kv), tiled, b * h, t);
            attentionRows(launch(op, attentionKernel("attention_backward_dkv", tiled)).headRows("q", q).headRows("k", k)
                    .headRows("v", v).ints(qPos).tensor("lse", lse).tensor("dout", dout).scratch(delta)
                    .headRows("dk", dk).headRows("dv", dv).i(t).i(h).i(d).i(s).i(kv), tiled, b * kv, s);
        }
    }

    /**
     * Whether attention takes the tiled kernels (attention_tiled.cl): on GPUs, for heads up to
     * {@link ClRuntime#ATTENTION_HEAD_MAX} wide and at least {@link #TILED_MIN_ROWS} query rows a head (GPU_SPLIT:
     * from one row, so tests reach them on small shapes). Fewer rows, as in decoding, leave a tile's
     * items idle; the row kernels spread one row's keys over a group instead.
     */
    private boolean tiledAttention(int queryRows, int headSize) {
        return kernels != Kernels.CPU && !ROW_ATTENTION && headSize <= ClRuntime.ATTENTION_HEAD_MAX
                && (kernels == Kernels.GPU_SPLIT || queryRows >= TILED_MIN_ROWS);
    }

    /** The tiled kernel of that name (attention_tiled.cl), or the variant's row kernel. */
    private String attentionKernel(String name, boolean tiled) {
        return tiled ? name + "_tiled" : kernels.name(name);
    }

    /**
     * An attention kernel over {@code rows} query (or key) rows of each of {@code heads} heads: tiled,
     * a work-group per tile of {@link ClRuntime#ATTENTION_TILE} rows, {@link ClRuntime#ATTENTION_LANES}
     * items a row; else one row at a time ({@link #perRow}).
     */
    private void attentionRows(Launch call, boolean tiled, int heads, int rows) {
        if (!tiled) {
            perRow(call, heads * rows);
            return;
        }
        long tile = ClRuntime.ATTENTION_TILE, groups = heads * ((rows + tile - 1) / tile), items = tile * ClRuntime.ATTENTION_LANES;
        call.grid(new long[]{groups * items}, new long[]{items});
    }

    /** A kernel over {@code rows} rows: a work-group per row on GPUs, an item per row (count passed) on CPUs. */
    private void perRow(Launch call, int rows) {
        if (kernels == Kernels.CPU) call.i(rows).items(rows);
        else call.groups(rows);
    }

    @Override
    public void scatterRows(Tensor src, int[] rows, Tensor dst) {
        Checks.scatterRows("scatterRows", src, rows, dst);
        byRows("scatterRows", "scatter_rows", "src", src, rows, "dst", dst);
    }

    @Override
    public void embedding(Tensor table, int[] ids, Tensor out) {
        Checks.embedding("embedding", table, ids, out);
        byRows("embedding", "embedding", "table", table, ids, "out", out);
    }

    /**
     * A kernel moving rows of {@code a}'s width between {@code a} (rows {@code a.stride(0)} apart) and
     * {@code b} by index: one item per element.
     */
    private void byRows(String op, String kernel, String aName, Tensor a, int[] rows, String bName, Tensor b) {
        int d = a.dim(a.shape().rank() - 1);
        launch(op, kernel).tensor(aName, a).i(a.stride(0)).ints(rows).tensor(bName, b).i(d).i(rows.length * d)
                .items((long) rows.length * d);
    }

    /** Rows grouped by id on the host (counting sort, stable), so each table row has one writer. */
    @Override
    public void embeddingBackward(Tensor dout, int[] ids, Tensor dtable) {
        Checks.embedding("embeddingBackward", dtable, ids, dout);
        int vocab = dtable.dim(0), d = dtable.dim(1);
        int[] count = new int[vocab + 1];
        for (int id : ids) count[id + 1]++;
        for (int i = 0; i < vocab; i++) count[i + 1] += count[i];
        int[] order = new int[ids.length], next = Arrays.copyOf(count, vocab);
        for (int n = 0; n < ids.length; n++) order[next[ids[n]]++] = n;
        int unique = 0;
        for (int i = 0; i < vocab; i++) if (count[i + 1] > count[i]) unique++;
        int[] uniq = new int[unique], start = new int[unique + 1];
        for (int i = 0, u = 0; i < vocab; i++) {
            if (count[i + 1] == count[i]) continue;
            uniq[u] = i;
            start[u] = count[i];
            start[++u] = count[i + 1];
        }
        launch("embeddingBackward", "embedding_backward").tensor("dout", dout).ints(uniq).ints(start).ints(order)
                .tensor("dtable", dtable).i(d).i(unique * d).items((long) unique * d);
    }

    @Override
    public void crossEntropy(Tensor logits, int[] targets, float smoothing, Tensor losses) {
        Checks.crossEntropy("crossEntropy", logits, targets, smoothing, losses);
        launch("crossEntropy", "cross_entropy").tensor("logits", logits).ints(targets).f(smoothing)
                .tensor("losses", losses).i(logits.dim(1)).groups(targets.length, vocabularyGroup());
    }

    @Override
    public void crossEntropyBackward(Tensor logits, int[] targets, float smoothing, Tensor dlosses, Tensor dlogits) {
        String op = "crossEntropyBackward";
        Checks.crossEntropy(op, logits, targets, smoothing, dlosses);
        Checks.gradient(op, "logits", logits, dlogits);
        launch(op, "cross_entropy_backward").tensor("logits", logits).ints(targets).f(smoothing)
                .tensor("dlosses", dlosses).tensor("dlogits", dlogits).i(logits.dim(1))
                .groups(logits.size() == 0 ? 0 : targets.length, vocabularyGroup());
    }

    /** Items a row for cross-entropy: wide on GPUs, where a row of 50,257 logits in 64 items left the loads' latency bare. */
    private int vocabularyGroup() {
        return kernels == Kernels.CPU ? ClRuntime.GROUP : ClRuntime.WIDE_GROUP;
    }

    // ---- optimizers -------------------------------------------------------------------------

    @Override
    public void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, AdamWParams p) {
        String op = "adamW";
        Checks.flatBuffers(op, param, new String[]{"grad", "m", "v"}, grad, m, v);
        if (p.step() < 1) throw new IllegalArgumentException("adamW: step " + p.step() + " must be 1 or more");
        double bc1 = 1 - Math.pow(p.beta1(), p.step()), bc2 = 1 - Math.pow(p.beta2(), p.step());
        launch(op, "adamw").tensor("param", param).tensor("grad", grad).tensor("m", m).tensor("v", v)
                .f(p.lr()).f(p.beta1()).f(p.beta2()).f(p.eps()).f(p.weightDecay()).f((float) bc1).f((float) bc2)
                .i(p.zeroGrad() ? 1 : 0).i(param.size()).items(Math.ceilDiv(param.size(), ADAMW_UPDATES));
    }

    @Override
    public void sgd(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay) {
        String op = "sgd";
        Checks.flatBuffers(op, param, new String[]{"grad", "velocity"}, grad, velocity);
        launch(op, "sgd").tensor("param", param).tensor("grad", grad).tensor("velocity", velocity)
                .f(lr).f(momentum).f(weightDecay).i(param.size()).items(param.size());
    }

    @Override
    public String toString() {
        return name() + " (" + deviceName() + ")";
    }
}
