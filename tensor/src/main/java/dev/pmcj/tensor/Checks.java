package dev.pmcj.tensor;

import java.util.function.Supplier;

/**
 * Argument validation shared by every backend, so all of them reject bad calls with the same
 * message. Each message starts with the op, then names both tensors involved with their shapes:
 * {@code "matmul: a [2, 3] and b [4, 5]: inner dimensions 3 and 4 differ"}.
 */
public final class Checks {
    private Checks() {
    }

    /** An {@link IllegalArgumentException} in the common format {@code "op: a S and b T: reason"}. */
    public static IllegalArgumentException mismatch(String op, String nameA, Tensor a, String nameB, Tensor b,
                                                    String reason) {
        return new IllegalArgumentException(op + ": " + nameA + " " + a.shape() + " and " + nameB + " " + b.shape()
                + ": " + reason);
    }

    /** {@code b} must have exactly {@code a}'s shape. */
    public static void sameShape(String op, String nameA, Tensor a, String nameB, Tensor b) {
        if (!a.shape().equals(b.shape())) throw mismatch(op, nameA, a, nameB, b, "shapes differ");
    }

    /** {@code b} must hold as many elements as {@code a} (flat buffers such as optimizer state). */
    public static void sameSize(String op, String nameA, Tensor a, String nameB, Tensor b) {
        if (a.shape().numel() != b.shape().numel()) {
            throw mismatch(op, nameA, a, nameB, b, "sizes " + a.shape().numel() + " and " + b.shape().numel() + " differ");
        }
    }

    /** {@code t} (named {@code name}) must have the extents {@code expected}, which derive from {@code ref}. */
    public static void expectShape(String op, String refName, Tensor ref, String name, Tensor t, int... expected) {
        // Extent by extent, no Shape made: several kernels check this on every call, decoding's included.
        Shape shape = t.shape();
        boolean same = shape.rank() == expected.length;
        for (int i = 0; same && i < expected.length; i++) same = shape.at(i) == expected[i];
        if (!same) throw mismatch(op, refName, ref, name, t, name + " must be " + Shape.of(expected));
    }

    /** {@code t} must have rank {@code rank}. */
    public static void rank(String op, String name, Tensor t, int rank) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.shape() + " must have rank " + rank);
        }
    }

    /** Kernels read and write dense row-major data; views must be made contiguous first. */
    public static void contiguous(String op, String name, Tensor t) {
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.shape() + " with strides "
                    + java.util.Arrays.toString(t.strides()) + " must be contiguous (call contiguous() first)");
        }
    }

    /** A linear layer's bias: null, or contiguous {@code [N]} for c's last axis of N. */
    public static void bias(String op, Tensor bias, Tensor c) {
        if (bias == null) return;
        contiguous(op, "bias", bias);
        if (bias.rank() != 1 || c.rank() == 0 || bias.dim(0) != c.dim(c.rank() - 1)) {
            throw new IllegalArgumentException(op + ": bias " + bias.shape() + " does not fit c " + c.shape()
                    + ": expected [" + (c.rank() == 0 ? "?" : String.valueOf(c.dim(c.rank() - 1))) + "]");
        }
    }

    /**
     * Each row of {@code t} (the axes after the first) contiguous, rows any non-negative stride apart:
     * column blocks of a wider tensor's rows, which kernels read as {@code offset + n * stride(0) + j}.
     */
    public static void packedRows(String op, String name, Tensor t) {
        boolean ok = t.rank() == 0 || t.stride(0) >= 0;
        long expected = 1;
        for (int a = t.rank() - 1; a >= 1 && ok; a--) {
            ok = t.dim(a) <= 1 || t.stride(a) == expected;
            expected *= t.dim(a);
        }
        if (!ok) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.shape() + " with strides "
                    + java.util.Arrays.toString(t.strides()) + " must hold each row contiguously (rows any stride apart)");
        }
    }

    /** The host array behind {@code t}; host backends cannot read device buffers. */
    public static float[] host(String op, String name, Tensor t) {
        if (t.storage() instanceof Storage.Host h) return h.data();
        throw new IllegalArgumentException(op + ": " + name + " " + t.shape() + " lives on "
                + ((Storage.Device) t.storage()).owner().name() + ", not in host memory");
    }

    /** True when {@code from} broadcasts to {@code to} under numpy rules (trailing axes aligned). */
    public static boolean broadcastsTo(Shape from, Shape to) {
        if (from.rank() > to.rank()) return false;
        for (int i = 1; i <= from.rank(); i++) {
            int f = from.at(from.rank() - i), t = to.at(to.rank() - i);
            if (f != t && f != 1) return false;
        }
        return true;
    }

    /** An id array (token ids, targets, positions) must have one entry per row. */
    public static void length(String op, String arrayName, int[] array, String name, Tensor t, int expected) {
        if (array.length != expected) {
            throw new IllegalArgumentException(op + ": " + arrayName + " has " + array.length + " entries but "
                    + name + " " + t.shape() + " needs " + expected);
        }
    }

    /** Every entry must lie in {@code [lo, hi)}; {@code what} says what bounds it. */
    public static void inRange(String op, String arrayName, int[] array, int lo, int hi, Supplier<String> what) {
        for (int i = 0; i < array.length; i++) {
            if (array[i] < lo || array[i] >= hi) {
                throw new IllegalArgumentException(op + ": " + arrayName + "[" + i + "] = " + array[i]
                        + " out of range [" + lo + ", " + hi + ") for " + what.get());
            }
        }
    }

    // ---- per-op validation: every backend calls these before its kernels -------------------

    /** Sizes of one {@link Backend#matmul} call; {@code sharedB} when a 2-D b serves every batch. */
    public record MatmulDims(int batch, int m, int k, int n, boolean sharedB) {
    }

    public static MatmulDims matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c) {
        String op = "matmul";
        if (a.rank() < 2 || b.rank() < 2 || c.rank() < 2) {
            throw new IllegalArgumentException(op + ": a " + a.shape() + ", b " + b.shape()
                    + ", c " + c.shape() + ": every operand needs at least 2 axes");
        }
        contiguous(op, "a", a);
        contiguous(op, "b", b);
        contiguous(op, "c", c);
        int m = transA ? a.dim(-1) : a.dim(-2), ka = transA ? a.dim(-2) : a.dim(-1);
        int kb = transB ? b.dim(-1) : b.dim(-2), n = transB ? b.dim(-2) : b.dim(-1);
        if (ka != kb) throw mismatch(op, "a", a, "b", b, "inner dimensions " + ka + " and " + kb + " differ");
        if (!sameBatch(a, c) || c.dim(-2) != m || c.dim(-1) != n) {
            throw mismatch(op, "a", a, "c", c, "c must be " + batchOf(a.shape()) + " x [" + m + ", " + n + "]");
        }
        boolean shared = b.rank() == 2;
        if (!shared && !sameBatch(a, b)) {
            throw mismatch(op, "a", a, "b", b, "batch axes differ (b must share a's batch axes or be 2-D)");
        }
        long batch = 1;
        for (int i = 0; i < a.rank() - 2; i++) batch *= a.dim(i);
        return new MatmulDims(Math.toIntExact(batch), m, ka, n, shared);
    }

    /**
     * A {@link Backend#matmul(Tensor, PackedWeight, Tensor, boolean)} call, {@code a [..., K]} times
     * a packed {@code [N, K]}; returns the rows (the product of a's leading axes).
     */
    public static int matmul(Tensor a, PackedWeight w, Tensor c) {
        String op = "matmul";
        contiguous(op, "a", a);
        contiguous(op, "c", c);
        int n = w.shape().dim(0), k = w.shape().dim(1);
        if (a.rank() < 1 || a.dim(-1) != k) {
            throw new IllegalArgumentException(op + ": a " + a.shape() + " and packed weight " + w.shape()
                    + ": a's last axis must be " + k);
        }
        // Compared in place, as this runs on every product of a decoding step.
        boolean matches = c.rank() == a.rank() && c.dim(-1) == n;
        int rows = 1;
        for (int i = 0; i < a.rank() - 1; i++) {
            matches = matches && c.dim(i) == a.dim(i);
            rows *= a.dim(i);
        }
        if (!matches) {
            int[] expected = a.shape().dims().clone();
            expected[expected.length - 1] = n;
            throw new IllegalArgumentException(op + ": a " + a.shape() + " and packed weight " + w.shape() + ": c is "
                    + c.shape() + ", expected " + new Shape(expected));
        }
        return rows;
    }

    /** Whether the axes before the last two agree; compared in place, as this runs on every matmul. */
    private static boolean sameBatch(Tensor x, Tensor y) {
        if (x.rank() != y.rank()) return false;
        for (int i = 0; i < x.rank() - 2; i++) {
            if (x.dim(i) != y.dim(i)) return false;
        }
        return true;
    }

    private static Shape batchOf(Shape s) {
        return new Shape(java.util.Arrays.copyOf(s.dims(), s.rank() - 2));
    }

    /** {@code t} is an output or companion of {@code ref}: same shape, contiguous. */
    public static void like(String op, String refName, Tensor ref, String name, Tensor t) {
        sameShape(op, refName, ref, name, t);
        contiguous(op, name, t);
    }

    /** Op names for messages, made once: element-wise kernels run hundreds of times a step. */
    private static final String[] BINARY_NAMES = names("binary ", BinaryOp.values()),
            REDUCE_NAMES = names("reduce ", ReduceOp.values()),
            UNARY_NAMES = names("unary ", UnaryOp.values()),
            UNARY_BACKWARD_NAMES = names("unaryBackward ", UnaryOp.values());

    /** {@code "binary ADD"} and so on. */
    public static String name(BinaryOp op) {
        return BINARY_NAMES[op.ordinal()];
    }

    /** {@code "reduce SUM"} and so on. */
    public static String name(ReduceOp op) {
        return REDUCE_NAMES[op.ordinal()];
    }

    /** {@code "unary EXP"} and so on. */
    public static String name(UnaryOp op) {
        return UNARY_NAMES[op.ordinal()];
    }

    /** {@code "unaryBackward EXP"} and so on. */
    public static String backwardName(UnaryOp op) {
        return UNARY_BACKWARD_NAMES[op.ordinal()];
    }

    /** A unary op's operands: x contiguous, out like x; returns the op's name for the backend's messages. */
    public static String unary(UnaryOp op, Tensor x, Tensor out) {
        String name = name(op);
        contiguous(name, "x", x);
        like(name, "x", x, "out", out);
        return name;
    }

    /** A unary op's backward operands: x contiguous, y, dy and dx like x; returns the backward's name. */
    public static String unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        String name = backwardName(op);
        contiguous(name, "x", x);
        like(name, "x", x, "y", y);
        like(name, "x", x, "dy", dy);
        like(name, "x", x, "dx", dx);
        return name;
    }

    private static String[] names(String prefix, Enum<?>[] ops) {
        String[] names = new String[ops.length];
        for (Enum<?> o : ops) names[o.ordinal()] = prefix + o;
        return names;
    }

    public static void binary(BinaryOp bop, Tensor a, Tensor b, Tensor out) {
        String op = name(bop);
        contiguous(op, "out", out);
        if (!broadcastsTo(a.shape(), out.shape()) || !broadcastsTo(b.shape(), out.shape())) {
            throw mismatch(op, "a", a, "b", b, "they do not broadcast to out " + out.shape());
        }
    }

    public static void sumTo(Tensor x, Tensor out) {
        contiguous("sumTo", "x", x);
        contiguous("sumTo", "out", out);
        if (!broadcastsTo(out.shape(), x.shape())) {
            throw mismatch("sumTo", "x", x, "out", out, "out does not broadcast to x");
        }
    }

    /** Returns the normalised axis. */
    public static int reduce(ReduceOp rop, Tensor x, int axis, Tensor out) {
        String op = name(rop);
        contiguous(op, "x", x);
        contiguous(op, "out", out);
        int a = x.shape().axis(axis);
        expectShape(op, "x", x, "out", out, x.shape().with(a, 1).dims());
        return a;
    }

    public static void oneElement(String op, Tensor x, Tensor out) {
        contiguous(op, "x", x);
        contiguous(op, "out", out);
        if (out.shape().numel() != 1) throw mismatch(op, "x", x, "out", out, "out must hold one element");
    }

    /** A per-row vector of a last-axis kernel over x: shape {@code [rows]}. */
    public static void perRow(String op, Tensor x, String name, Tensor t) {
        contiguous(op, name, t);
        expectShape(op, "x", x, name, t, x.shape().rows());
    }

    /** A per-channel parameter of a last-axis kernel over x: shape {@code [last]}. */
    public static void perChannel(String op, Tensor x, String name, Tensor t) {
        contiguous(op, name, t);
        expectShape(op, "x", x, name, t, x.shape().last());
    }

    /** A last-axis kernel's input and a same-shaped companion (its output, or dy), both contiguous. */
    public static void lastAxis(String op, Tensor x, String name, Tensor t) {
        contiguous(op, "x", x);
        like(op, "x", x, name, t);
    }

    /** Layer norm over x's last axis: gamma and beta (null for none) per channel, mean and rstd per row. */
    public static void layerNorm(String op, Tensor x, Tensor gamma, Tensor beta, Tensor out, Tensor mean, Tensor rstd) {
        rmsNorm(op, x, gamma, out, rstd);
        if (beta != null) perChannel(op, x, "beta", beta);
        perRow(op, x, "mean", mean);
    }

    /** {@link #layerNorm}'s backward: dy and dx like x, dgamma and dbeta (null for none) per channel. */
    public static void layerNormBackward(String op, Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd,
                                         Tensor dx, Tensor dgamma, Tensor dbeta) {
        rmsNormBackward(op, dy, x, gamma, rstd, dx, dgamma);
        if (dbeta != null) perChannel(op, x, "dbeta", dbeta);
        perRow(op, x, "mean", mean);
    }

    /** RMS norm over x's last axis: gamma per channel, rstd per row. */
    public static void rmsNorm(String op, Tensor x, Tensor gamma, Tensor out, Tensor rstd) {
        lastAxis(op, x, "out", out);
        perChannel(op, x, "gamma", gamma);
        perRow(op, x, "rstd", rstd);
    }

    /** {@link #rmsNorm}'s backward: dy and dx like x, dgamma like gamma. */
    public static void rmsNormBackward(String op, Tensor dy, Tensor x, Tensor gamma, Tensor rstd, Tensor dx, Tensor dgamma) {
        lastAxis(op, x, "dy", dy);
        gradient(op, "x", x, dx);
        perChannel(op, x, "gamma", gamma);
        gradient(op, "gamma", gamma, dgamma);
        perRow(op, x, "rstd", rstd);
    }

    /** Rotary embedding: x {@code [N, H, D]}, D even, one position per row. */
    public static void rope(String op, Tensor x, int[] positions, Tensor out) {
        rank(op, "x", x, 3);
        packedRows(op, "x", x);
        sameShape(op, "x", x, "out", out);
        contiguous(op, "out", out);
        if (!x.isContiguous() && x.storage() == out.storage()) {
            throw new IllegalArgumentException(op + ": x " + x.shape() + " with strides " + java.util.Arrays.toString(x.strides())
                    + " shares out's buffer; a strided x needs an out of its own");
        }
        if (x.dim(2) % 2 != 0) throw new IllegalArgumentException(op + ": x " + x.shape() + " needs an even head size");
        length(op, "positions", positions, "x", x, x.dim(0));
        inRange(op, "positions", positions, 0, Integer.MAX_VALUE, () -> "a position");
    }

    /** Attention: q {@code [B, T, H, D]}, k and v {@code [B, S, KV, D]}, H a multiple of KV, lse {@code [B, H, T]}. */
    public static void attention(String op, Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse) {
        rank(op, "q", q, 4);
        rank(op, "k", k, 4);
        rank(op, "v", v, 4);
        heads(op, "q", q);
        heads(op, "k", k);
        heads(op, "v", v);
        contiguous(op, "out", out);
        contiguous(op, "lse", lse);
        int b = q.dim(0), t = q.dim(1), h = q.dim(2), d = q.dim(3), s = k.dim(1), kv = k.dim(2);
        if (k.dim(0) != b || k.dim(3) != d) {
            throw mismatch(op, "q", q, "k", k, "batch and head size must match");
        }
        if (kv == 0 || h % kv != 0) throw mismatch(op, "q", q, "k", k, "query heads must be a multiple of KV heads");
        sameShape(op, "k", k, "v", v);
        sameShape(op, "q", q, "out", out);
        expectShape(op, "q", q, "lse", lse, b, h, t);
        length(op, "qPos", qPos, "q", q, b * t);
        inRange(op, "qPos", qPos, 0, s, () -> "keys k " + k.shape());
    }

    /** {@link #attention}'s checks, dout like out, and dq, dk, dv like q, k, v ({@link #headsGradient}). */
    public static void attentionBackward(String op, Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse,
                                         Tensor dout, Tensor dq, Tensor dk, Tensor dv) {
        attention(op, q, k, v, qPos, out, lse);
        gradient(op, "out", out, dout);
        headsGradient(op, "q", q, dq);
        headsGradient(op, "k", k, dk);
        headsGradient(op, "v", v, dv);
    }

    /**
     * Attention's q, k and v (and their gradients) may be views whose token rows are any distance
     * apart, as long as each row's heads lie one after another: {@code [B, T, H, D]} with strides
     * {@code (any, any, D, 1)}, such as q, k and v sliced from one fused projection's output.
     */
    public static void heads(String op, String name, Tensor t) {
        int d = t.dim(3);
        boolean ok = (d <= 1 || t.stride(3) == 1) && (t.dim(2) <= 1 || t.stride(2) == d)
                && t.stride(0) >= 0 && t.stride(1) >= 0;
        if (!ok) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.shape() + " with strides "
                    + java.util.Arrays.toString(t.strides()) + " must hold each row's heads contiguously (strides [*, *, "
                    + d + ", 1])");
        }
    }

    /**
     * An attention gradient: the shape of its value, its rows' heads contiguous ({@link #heads}), and,
     * being written, no two of its rows overlapping.
     */
    public static void headsGradient(String op, String name, Tensor value, Tensor grad) {
        sameShape(op, name, value, "d" + name, grad);
        heads(op, "d" + name, grad);
        int row = grad.dim(2) * grad.dim(3);
        if ((grad.dim(1) > 1 && grad.stride(1) < row) || (grad.dim(0) > 1 && grad.stride(0) < grad.dim(1) * Math.max(row, grad.stride(1)))) {
            throw new IllegalArgumentException(op + ": d" + name + " " + grad.shape() + " with strides "
                    + java.util.Arrays.toString(grad.strides()) + " has overlapping rows; a gradient's rows must not share elements");
        }
    }

    /** A gradient must have the shape of the value it belongs to. */
    public static void gradient(String op, String name, Tensor value, Tensor grad) {
        // Every backward kernel checks its gradients: the name "d" + name is built for the message only.
        if (!grad.shape().equals(value.shape()) || !grad.isContiguous()) like(op, name, value, "d" + name, grad);
    }

    /** Embedding: table {@code [V, D]}, out {@code [N, D]}, N ids in {@code [0, V)}. */
    public static void embedding(String op, Tensor table, int[] ids, Tensor out) {
        String d = gradientPrefix(op), tableName = d + "table", outName = d + "out";
        rank(op, tableName, table, 2);
        contiguous(op, tableName, table);
        contiguous(op, outName, out);
        expectShape(op, tableName, table, outName, out, ids.length, table.dim(1));
        inRange(op, "ids", ids, 0, table.dim(0), () -> tableName + " " + table.shape());
    }

    /** Scatter: src {@code [N, D]}, dst {@code [R, D]}, N rows strictly increasing in {@code [0, R)}. */
    public static void scatterRows(String op, Tensor src, int[] rows, Tensor dst) {
        rank(op, "dst", dst, 2);
        packedRows(op, "src", src);
        contiguous(op, "dst", dst);
        expectShape(op, "dst", dst, "src", src, rows.length, dst.dim(1));
        inRange(op, "rows", rows, 0, dst.dim(0), () -> "dst " + dst.shape());
        for (int n = 1; n < rows.length; n++) {
            if (rows[n] <= rows[n - 1]) {
                throw new IllegalArgumentException(op + ": rows must increase strictly (one writer per row of dst), but rows["
                        + n + "] = " + rows[n] + " follows " + rows[n - 1]);
            }
        }
    }

    /** Backward ops validate gradients with the forward's rules; their messages name them dX. */
    private static String gradientPrefix(String op) {
        return op.endsWith("Backward") ? "d" : "";
    }

    /** Cross-entropy: logits {@code [N, V]}, N targets in {@code [0, V)} or negative (ignored), losses {@code [N]}. */
    public static void crossEntropy(String op, Tensor logits, int[] targets, float smoothing, Tensor losses) {
        rank(op, "logits", logits, 2);
        contiguous(op, "logits", logits);
        String lossesName = gradientPrefix(op) + "losses";
        contiguous(op, lossesName, losses);
        expectShape(op, "logits", logits, lossesName, losses, logits.dim(0));
        length(op, "targets", targets, "logits", logits, logits.dim(0));
        inRange(op, "targets", targets, Integer.MIN_VALUE, logits.dim(1), () -> "logits " + logits.shape());
        if (!(smoothing >= 0f && smoothing <= 1f)) {
            throw new IllegalArgumentException(op + ": label smoothing " + smoothing + " must lie in [0, 1]");
        }
    }

    /** Optimizer state: every buffer is contiguous and holds as many numbers as param. */
    public static void flatBuffers(String op, Tensor param, String[] names, Tensor... buffers) {
        contiguous(op, "param", param);
        for (int i = 0; i < buffers.length; i++) {
            sameSize(op, "param", param, names[i], buffers[i]);
            contiguous(op, names[i], buffers[i]);
        }
    }
}
