package dev.pmcj.tensor;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The differential suite every fast backend must pass: each {@link Backend} method runs on
 * {@link #candidate()} and on {@link ScalarBackend} (the specification) over generated shapes and
 * values, and the results must agree within the tolerance stated at each property. Gradient outputs
 * start from the same random numbers on both sides, so the accumulate contract is checked too.
 * A backend's test extends this class and names its backend.
 */
public abstract class BackendConformance {
    private final Backend reference = Backends.scalar();

    protected abstract Backend candidate();

    // ---- twins: the same numbers on both backends ----------------------------------------------

    /** One logical tensor held by the reference ({@code r}) and the candidate ({@code c}). */
    protected record Twin(Tensor r, Tensor c) {
    }

    private Twin twin(float[] data, int... dims) {
        Shape s = Shape.of(dims);
        return new Twin(reference.fromHost(data, s), candidate().fromHost(data, s));
    }

    private Twin uniform(Random rnd, double lo, double hi, int... dims) {
        float[] v = new float[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        return twin(v, dims);
    }

    private Twin random(Random rnd, int... dims) {
        return uniform(rnd, -1, 1, dims);
    }

    /** Random rows of {@code width} as columns {@code [1, 1 + width)} of wider rows: a view whose rows are apart. */
    private Twin stridedRows(Random rnd, int rows, int width) {
        Twin wide = random(rnd, rows, width + 3);
        return new Twin(wide.r().slice(1, 1, 1 + width), wide.c().slice(1, 1, 1 + width));
    }

    /** Runs the same call on both sides. */
    private void both(Consumer<Boolean> call) {
        call.accept(true);
        call.accept(false);
    }

    private static Tensor pick(Twin t, boolean ref) {
        return t == null ? null : ref ? t.r : t.c;
    }

    /** |candidate - reference| <= atol + rtol |reference| element by element (NaN must match NaN). */
    private void assertClose(String what, Twin t, double atol, double rtol) {
        float[] want = reference.toHost(t.r), got = candidate().toHost(t.c);
        assertEquals(want.length, got.length, what + ": sizes");
        for (int i = 0; i < want.length; i++) {
            boolean ok = Float.isNaN(want[i]) ? Float.isNaN(got[i])
                    : want[i] == got[i] || Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]);
            if (!ok) {
                fail(what + " " + t.r.shape() + " differs at flat index " + i + ": reference " + want[i]
                        + ", " + candidate().name() + " " + got[i] + " (atol " + atol + ", rtol " + rtol + ")");
            }
        }
    }

    // ---- memory ------------------------------------------------------------------------------------

    @Property(tries = 30)
    void transfersFillAndStridedCopy(@ForAll @IntRange(min = 1, max = 9) int rows,
                                     @ForAll @IntRange(min = 1, max = 40) int cols, @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin x = random(rnd, rows, cols);
        float[] host = candidate().toHost(x.c);
        assertEquals(Arrays.toString(reference.toHost(x.r)), Arrays.toString(host), "fromHost/toHost round trip");
        // toHost and copy of a transposed (strided) view, then of a broadcast one.
        Twin t = new Twin(x.r.transpose(0, 1), x.c.transpose(0, 1));
        assertEquals(Arrays.toString(reference.toHost(t.r)), Arrays.toString(candidate().toHost(t.c)), "strided toHost");
        Twin dst = new Twin(reference.allocate(Shape.of(cols, rows)), candidate().allocate(Shape.of(cols, rows)));
        both(r -> (r ? reference : candidate()).copy(pick(t, r), pick(dst, r)));
        assertClose("copy of a transposed view", dst, 0, 0);
        Twin row = random(rnd, 1, cols);
        Twin wide = new Twin(reference.allocate(Shape.of(rows, cols)), candidate().allocate(Shape.of(rows, cols)));
        both(r -> (r ? reference : candidate()).copy(pick(row, r).broadcastTo(Shape.of(rows, cols)), pick(wide, r)));
        assertClose("copy of a broadcast view", wide, 0, 0);
        float value = rnd.nextFloat();
        both(r -> (r ? reference : candidate()).fill(pick(x, r), value));
        assertClose("fill", x, 0, 0);
        float[] fresh = new float[rows * cols];
        Arrays.fill(fresh, -value);
        both(r -> (r ? reference : candidate()).fromHost(fresh, pick(x, r)));
        assertClose("fromHost into a tensor", x, 0, 0);
    }

    // ---- matmul ------------------------------------------------------------------------------------

    /** Float sums of k products of numbers in [-1, 1]: error grows with k; bugs give errors near 1. */
    private static double matmulTolerance(int k) {
        return 1e-5 + 4e-7 * k;
    }

    private void checkMatmul(Random rnd, int batch, int m, int k, int n, boolean transA, boolean transB,
                             boolean sharedB, boolean accumulate) {
        int[] lead = batch == 0 ? new int[0] : new int[]{batch};
        Twin a = random(rnd, concat(lead, transA ? new int[]{k, m} : new int[]{m, k}));
        Twin b = random(rnd, concat(sharedB ? new int[0] : lead, transB ? new int[]{n, k} : new int[]{k, n}));
        Twin c = random(rnd, concat(lead, new int[]{m, n}));
        both(r -> (r ? reference : candidate()).matmul(pick(a, r), transA, pick(b, r), transB, pick(c, r), accumulate));
        assertClose("matmul transA=" + transA + " transB=" + transB + " sharedB=" + sharedB + " accumulate="
                + accumulate + " batch=" + batch + " m=" + m + " k=" + k + " n=" + n, c, matmulTolerance(k), 1e-5);
    }

    private static int[] concat(int[] x, int[] y) {
        int[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    @Property(tries = 150)
    void matmulSmall(@ForAll @IntRange(min = 0, max = 3) int batch, @ForAll @IntRange(min = 1, max = 40) int m,
                     @ForAll @IntRange(min = 0, max = 40) int k, @ForAll @IntRange(min = 1, max = 40) int n,
                     @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean sharedB,
                     @ForAll boolean accumulate, @ForAll long seed) {
        checkMatmul(new Random(seed), batch, m, k, n, transA, transB, sharedB && batch > 0, accumulate);
    }

    /** Sizes beyond one register tile and one cache block, not multiples of either. */
    @Property(tries = 25)
    void matmulBlocked(@ForAll @IntRange(min = 0, max = 2) int batch, @ForAll @IntRange(min = 60, max = 200) int m,
                       @ForAll @IntRange(min = 60, max = 300) int k, @ForAll @IntRange(min = 60, max = 200) int n,
                       @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean sharedB,
                       @ForAll boolean accumulate, @ForAll long seed) {
        checkMatmul(new Random(seed), batch, m, k, n, transA, transB, sharedB && batch > 0, accumulate);
    }

    /** Few rows (one stream or a batch of streams in generation) with a long inner or outer axis. */
    @Property(tries = 20)
    void matmulFewRows(@ForAll @IntRange(min = 1, max = 36) int m, @ForAll @IntRange(min = 1, max = 700) int k,
                       @ForAll @IntRange(min = 1, max = 700) int n, @ForAll boolean transA,
                       @ForAll boolean transB, @ForAll boolean accumulate, @ForAll long seed) {
        checkMatmul(new Random(seed), 0, m, k, n, transA, transB, false, accumulate);
    }

    /** Each axis near 1024 in turn (the others small, so the reference stays quick), and k past 1024 with enough rows for all cores, all transposes. */
    @Example
    void matmulLargeAxes() {
        Random rnd = new Random(1024);
        for (int flags = 0; flags < 4; flags++) {
            boolean ta = (flags & 1) != 0, tb = (flags & 2) != 0;
            checkMatmul(rnd, 0, 1030, 67, 45, ta, tb, false, false);
            checkMatmul(rnd, 0, 45, 1100, 37, ta, tb, false, true);
            checkMatmul(rnd, 0, 29, 70, 1031, ta, tb, false, false);
            checkMatmul(rnd, 0, 520, 1100, 40, ta, tb, false, ta); // the CPU's path by parts of rows (from 512 rows), k packed in two groups
        }
        checkMatmul(rnd, 0, 530, 24, 3100, false, false, false, true); // the same path, n past one column block (NC)
        checkMatmul(rnd, 3, 130, 1024, 50, false, true, true, false);
    }

    /**
     * A linear layer's weight gradients, dw (+)= dy^T x and db (+)= dy's row sums, against the
     * reference: from 96 output rows and 2^18 multiply-adds the CPU backend sums db while it packs dy.
     */
    @Property(tries = 40)
    void linearWeightGradients(@ForAll @IntRange(min = 1, max = 200) int out, @ForAll @IntRange(min = 1, max = 48) int in,
                               @ForAll @IntRange(min = 1, max = 400) int tokens, @ForAll boolean accumulateW,
                               @ForAll boolean accumulateB, @ForAll boolean withBias, @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin dy = random(rnd, tokens, out), x = random(rnd, tokens, in), dw = random(rnd, out, in);
        Twin db = withBias ? random(rnd, out) : null;
        both(r -> (r ? reference : candidate()).linearWeightGradients(pick(dy, r), pick(x, r), pick(dw, r), accumulateW,
                pick(db, r), accumulateB));
        String what = "linearWeightGradients out=" + out + " in=" + in + " tokens=" + tokens;
        assertClose(what + " dw", dw, matmulTolerance(tokens), 1e-5);
        if (withBias) assertClose(what + " db", db, 1e-5 * tokens, 1e-5);
    }

    @Example
    void linearWeightGradientsOfATrainingStepsShape() {
        linearWeightGradients(192, 40, 300, true, false, true, 7);
        linearWeightGradients(520, 48, 1100, false, true, true, 8); // the CPU's path by parts of rows, more than one k group (KG)
        linearWeightGradients(530, 3100, 20, true, true, true, 9); // and more than one column block (NC): db summed once
    }

    /**
     * Products with a packed weight against the reference's {@code a W^T}: rows from one to past a
     * cache block, k past one k-block, n off the panel width; leading axes on a; and the packed
     * weight is a snapshot, unchanged by a later write to W.
     */
    @Property(tries = 40)
    void matmulPackedWeight(@ForAll @IntRange(min = 0, max = 2) int lead, @ForAll @IntRange(min = 1, max = 110) int m,
                            @ForAll @IntRange(min = 0, max = 600) int k, @ForAll @IntRange(min = 1, max = 130) int n,
                            @ForAll boolean accumulate, @ForAll long seed) {
        checkPackedWeight(lead, m, k, n, accumulate, seed);
    }

    /** A few rows (decoding one to three streams), which the CPU backend multiplies without packing them. */
    @Property(tries = 40)
    void matmulPackedWeightFewRows(@ForAll @IntRange(min = 1, max = 3) int m, @ForAll @IntRange(min = 0, max = 600) int k,
                                   @ForAll @IntRange(min = 1, max = 200) int n, @ForAll boolean accumulate, @ForAll long seed) {
        checkPackedWeight(0, m, k, n, accumulate, seed);
    }

    private void checkPackedWeight(int lead, int m, int k, int n, boolean accumulate, long seed) {
        Random rnd = new Random(seed);
        int[] rows = lead == 0 ? new int[]{m} : new int[]{lead, m};
        Twin a = random(rnd, concat(rows, new int[]{k})), w = random(rnd, n, k), c = random(rnd, concat(rows, new int[]{n}));
        PackedWeight packed = candidate().packWeight(w.c);
        candidate().fill(w.c, Float.NaN);
        both(r -> {
            if (r) reference.matmul(pick(a, r), false, w.r, true, pick(c, r), accumulate);
            else candidate().matmul(pick(a, r), packed, pick(c, r), accumulate);
        });
        assertClose("matmul with a packed weight, accumulate=" + accumulate + " rows=" + Arrays.toString(rows) + " k=" + k
                + " n=" + n, c, matmulTolerance(k), 1e-5);
    }

    /**
     * A linear layer, {@code c (+)= a W^T + bias}, with the weight as a tensor or packed, against the
     * reference's product then its bias add, within the product's tolerance; sizes on both sides of a
     * wide product tile. A bias of the wrong width is named.
     */
    @Property(tries = 40)
    void linearWithBias(@ForAll @IntRange(min = 1, max = 140) int m, @ForAll @IntRange(min = 0, max = 70) int k,
                        @ForAll @IntRange(min = 1, max = 140) int n, @ForAll boolean bias, @ForAll boolean packed,
                        @ForAll boolean accumulate, @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin a = random(rnd, m, k), w = random(rnd, n, k), c = random(rnd, m, n), b = bias ? random(rnd, n) : null;
        PackedWeight pw = packed ? candidate().packWeight(w.c) : null;
        both(r -> {
            if (r) {
                reference.matmul(a.r, false, w.r, true, c.r, accumulate);
                if (bias) reference.binary(BinaryOp.ADD, c.r, b.r, c.r);
            } else if (packed) {
                candidate().linear(a.c, pw, bias ? b.c : null, c.c, accumulate);
            } else {
                candidate().linear(a.c, w.c, bias ? b.c : null, c.c, accumulate);
            }
        });
        assertClose("linear bias=" + bias + " packed=" + packed + " accumulate=" + accumulate + " m=" + m + " k=" + k
                + " n=" + n, c, matmulTolerance(k), 1e-5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> candidate().linear(a.c, w.c, candidate().allocate(Shape.of(n + 1)), c.c, accumulate));
        assertEquals("linear: bias [" + (n + 1) + "] does not fit c [" + m + ", " + n + "]: expected [" + n + "]", e.getMessage());
    }

    @Example
    void packedWeightMismatchesAreNamed() {
        PackedWeight w = candidate().packWeight(candidate().allocate(Shape.of(5, 3)));
        Tensor c = candidate().allocate(Shape.of(2, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> candidate().matmul(candidate().allocate(Shape.of(2, 4)), w, c, false));
        assertEquals("matmul: a [2, 4] and packed weight [5, 3]: a's last axis must be 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> candidate().matmul(candidate().allocate(Shape.of(2, 3)), w, candidate().allocate(Shape.of(2, 4)), false));
        assertEquals("matmul: a [2, 3] and packed weight [5, 3]: c is [2, 4], expected [2, 5]", e.getMessage());
        PackedWeight foreign = reference.packWeight(reference.allocate(Shape.of(5, 3)));
        if (candidate() != reference) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> candidate().matmul(candidate().allocate(Shape.of(2, 3)), foreign, c, false));
            assertEquals("matmul: weight [5, 3] was packed by " + reference.name() + ", not by " + candidate().name(),
                    e.getMessage());
        }
    }

    // ---- element-wise ------------------------------------------------------------------------------

    /** Inputs inside each function's domain, away from poles and kinks where float rounding flips a branch. */
    private Twin unaryInput(UnaryOp op, Random rnd, int... dims) {
        Twin x = switch (op) {
            case LOG, SQRT -> uniform(rnd, 0.05, 4, dims);
            case RECIPROCAL -> uniform(rnd, 0.2, 3, dims);
            default -> uniform(rnd, -6, 6, dims);
        };
        return x;
    }

    @Property(tries = 60)
    void unaryAndBackward(@ForAll UnaryOp op, @ForAll @IntRange(min = 1, max = 5) int rows,
                          @ForAll @IntRange(min = 1, max = 70) int cols, @ForAll boolean accumulate, @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin x = unaryInput(op, rnd, rows, cols);
        Twin y = random(rnd, rows, cols);
        both(r -> (r ? reference : candidate()).unary(op, pick(x, r), pick(y, r)));
        assertClose("unary " + op, y, 1e-6, 2e-6);
        Twin dy = random(rnd, rows, cols), dx = random(rnd, rows, cols);
        both(r -> (r ? reference : candidate()).unaryBackward(op, pick(x, r), pick(y, r), pick(dy, r), pick(dx, r), accumulate));
        assertClose("unaryBackward " + op, dx, 1e-5, 1e-5);
    }

    /** Large enough to be split across threads. */
    @Property(tries = 5)
    void unaryLarge(@ForAll UnaryOp op, @ForAll @IntRange(min = 40_000, max = 90_000) int n, @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin x = unaryInput(op, rnd, n), y = random(rnd, n);
        both(r -> (r ? reference : candidate()).unary(op, pick(x, r), pick(y, r)));
        assertClose("unary " + op, y, 1e-6, 2e-6);
    }

    @Property(tries = 80)
    void binaryBroadcasting(@ForAll BinaryOp op, @ForAll @IntRange(min = 1, max = 4) int d0,
                            @ForAll @IntRange(min = 1, max = 5) int d1, @ForAll @IntRange(min = 1, max = 40) int d2,
                            @ForAll @IntRange(min = 0, max = 4) int pattern, @ForAll boolean alias, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] out = {d0, d1, d2};
        // b: same shape, a trailing bias, a trailing block, a column, or a leading-axis-only pattern.
        int[] bDims = switch (pattern) {
            case 0 -> out;
            case 1 -> new int[]{d2};
            case 2 -> new int[]{1, d1, d2};
            case 3 -> new int[]{d0, d1, 1};
            default -> new int[]{d0, 1, 1};
        };
        // EQ needs ties: draw small integers for it.
        Twin a = op == BinaryOp.EQ ? integers(rnd, out) : random(rnd, out);
        Twin b = op == BinaryOp.EQ ? integers(rnd, bDims) : uniform(rnd, 0.5, 2, bDims);
        Twin o = alias ? a : random(rnd, out);
        both(r -> (r ? reference : candidate()).binary(op, pick(a, r), pick(b, r), pick(o, r)));
        assertClose("binary " + op + " b " + Arrays.toString(bDims), o, 1e-7, 1e-6);
        // a broadcast too (and strided: a transposed view).
        Twin col = random(rnd, d0, d1, 1), o2 = random(rnd, out);
        Twin bt = random(rnd, d2, d1);
        Twin btv = new Twin(bt.r.transpose(0, 1), bt.c.transpose(0, 1));
        both(r -> (r ? reference : candidate()).binary(op, pick(col, r), pick(btv, r), pick(o2, r)));
        assertClose("binary " + op + " broadcast a and strided b", o2, 1e-7, 1e-6);
    }

    private Twin integers(Random rnd, int... dims) {
        float[] v = new float[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(3);
        return twin(v, dims);
    }

    @Property(tries = 30)
    void affine(@ForAll @IntRange(min = 1, max = 100_000) int n, @ForAll boolean alias, @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin x = random(rnd, n), o = alias ? x : random(rnd, n);
        float alpha = (float) rnd.nextGaussian(), beta = (float) rnd.nextGaussian();
        both(r -> (r ? reference : candidate()).affine(pick(x, r), alpha, beta, pick(o, r)));
        assertClose("affine", o, 1e-6, 1e-6);
    }

    @Property(tries = 40)
    void sumToAndReduce(@ForAll @IntRange(min = 1, max = 5) int d0, @ForAll @IntRange(min = 1, max = 6) int d1,
                        @ForAll @IntRange(min = 1, max = 30) int d2, @ForAll @IntRange(min = 0, max = 2) int axis,
                        @ForAll ReduceOp op, @ForAll boolean accumulate, @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin x = random(rnd, d0, d1, d2);
        Twin bias = random(rnd, d2), rowSum = random(rnd, d0, 1, d2);
        both(r -> (r ? reference : candidate()).sumTo(pick(x, r), pick(bias, r), accumulate));
        both(r -> (r ? reference : candidate()).sumTo(pick(x, r), pick(rowSum, r), accumulate));
        assertClose("sumTo [d2]", bias, 1e-5, 1e-5);
        assertClose("sumTo [d0, 1, d2]", rowSum, 1e-5, 1e-5);
        int[] od = {d0, d1, d2};
        od[axis] = 1;
        Twin out = random(rnd, od);
        both(r -> (r ? reference : candidate()).reduce(op, pick(x, r), axis, pick(out, r)));
        assertClose("reduce " + op + " axis " + axis, out, 1e-5, 1e-5);
    }

    /** A bias's gradient: many rows summed into one, as a training step's tokens are. */
    @Property(tries = 30)
    void sumToOfManyRows(@ForAll @IntRange(min = 1, max = 4) int d0, @ForAll @IntRange(min = 1, max = 400) int d1,
                         @ForAll @IntRange(min = 1, max = 150) int n, @ForAll boolean leadingOne, @ForAll boolean accumulate,
                         @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin x = random(rnd, d0, d1, n), out = leadingOne ? random(rnd, 1, n) : random(rnd, n);
        both(r -> (r ? reference : candidate()).sumTo(pick(x, r), pick(out, r), accumulate));
        assertClose("sumTo rows=" + d0 * d1 + " n=" + n, out, matmulTolerance(d0 * d1), 1e-5);
    }

    @Property(tries = 20)
    void sumOfSquares(@ForAll @IntRange(min = 0, max = 300_000) int n, @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin x = random(rnd, n), out = random(rnd, 1);
        both(r -> (r ? reference : candidate()).sumOfSquares(pick(x, r), pick(out, r)));
        assertClose("sumOfSquares", out, 1e-6, 1e-5);
    }

    // ---- last-axis kernels -------------------------------------------------------------------------

    @Property(tries = 60)
    void softmaxFamily(@ForAll @IntRange(min = 1, max = 40) int rows, @ForAll @IntRange(min = 1, max = 300) int n,
                       @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin x = uniform(rnd, -8, 8, rows, n), y = random(rnd, rows, n), ly = random(rnd, rows, n);
        both(r -> (r ? reference : candidate()).softmax(pick(x, r), pick(y, r)));
        both(r -> (r ? reference : candidate()).logSoftmax(pick(x, r), pick(ly, r)));
        assertClose("softmax", y, 1e-7, 2e-5);
        assertClose("logSoftmax", ly, 2e-5, 2e-6);
        Twin dy = random(rnd, rows, n), dx = random(rnd, rows, n), ldx = random(rnd, rows, n);
        both(r -> (r ? reference : candidate()).softmaxBackward(pick(y, r), pick(dy, r), pick(dx, r)));
        both(r -> (r ? reference : candidate()).logSoftmaxBackward(pick(ly, r), pick(dy, r), pick(ldx, r)));
        assertClose("softmaxBackward", dx, 1e-5, 1e-5);
        assertClose("logSoftmaxBackward", ldx, 1e-4, 1e-5);
    }

    /**
     * Logits masked to -inf (a vocabulary restricted to some tokens), each row keeping at least one:
     * log-softmax gives -inf there and the same as over the kept entries elsewhere, cross-entropy to a
     * kept target stays finite and its gradient is 0 at the masked entries, on every backend.
     */
    @Property(tries = 40)
    void maskedLogits(@ForAll @IntRange(min = 1, max = 20) int rows, @ForAll @IntRange(min = 1, max = 600) int n,
                      @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[rows * n];
        int[] targets = new int[rows];
        for (int r = 0; r < rows; r++) {
            targets[r] = rnd.nextInt(n);
            for (int i = 0; i < n; i++) {
                x[r * n + i] = i != targets[r] && rnd.nextInt(3) == 0 ? Float.NEGATIVE_INFINITY : (float) (rnd.nextGaussian() * 4);
            }
        }
        Twin logits = new Twin(reference.fromHost(x, Shape.of(rows, n)), candidate().fromHost(x, Shape.of(rows, n)));
        Twin ly = random(rnd, rows, n), losses = random(rnd, rows), dlogits = random(rnd, rows, n), dl = random(rnd, rows);
        both(r -> (r ? reference : candidate()).logSoftmax(pick(logits, r), pick(ly, r)));
        assertClose("logSoftmax of masked logits", ly, 2e-5, 2e-6);
        both(r -> (r ? reference : candidate()).crossEntropy(pick(logits, r), targets, 0f, pick(losses, r)));
        assertClose("crossEntropy of masked logits", losses, 2e-5, 2e-5);
        both(r -> (r ? reference : candidate()).crossEntropyBackward(pick(logits, r), targets, 0f, pick(dl, r), pick(dlogits, r)));
        assertClose("crossEntropyBackward of masked logits", dlogits, 1e-6, 1e-5);
    }

    /** Up to 300 rows: the CPU backend's backward sums dgamma in parts of 64 rows, on all cores past 2^15 elements. */
    @Property(tries = 50)
    void layerNormAndBackward(@ForAll @IntRange(min = 1, max = 300) int rows, @ForAll @IntRange(min = 1, max = 200) int n,
                              @ForAll boolean withBeta, @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin x = uniform(rnd, -3, 5, rows, n), gamma = random(rnd, n), beta = withBeta ? random(rnd, n) : null;
        Twin out = random(rnd, rows, n), mean = random(rnd, rows), rstd = random(rnd, rows);
        both(r -> (r ? reference : candidate()).layerNorm(pick(x, r), pick(gamma, r), pick(beta, r), 1e-5f,
                pick(out, r), pick(mean, r), pick(rstd, r)));
        assertClose("layerNorm mean", mean, 1e-5, 1e-5);
        assertClose("layerNorm rstd", rstd, 1e-5, 1e-4);
        assertClose("layerNorm out", out, 1e-4, 1e-4);
        Twin dy = random(rnd, rows, n), dx = random(rnd, rows, n), dg = random(rnd, n);
        Twin db = withBeta ? random(rnd, n) : null;
        both(r -> (r ? reference : candidate()).layerNormBackward(pick(dy, r), pick(x, r), pick(gamma, r),
                pick(mean, r), pick(rstd, r), pick(dx, r), pick(dg, r), pick(db, r)));
        assertClose("layerNormBackward dx", dx, 2e-4, 1e-4);
        assertClose("layerNormBackward dgamma", dg, 1e-4 * rows, 1e-4);
        if (withBeta) assertClose("layerNormBackward dbeta", db, 1e-5 * rows, 1e-5);
    }

    @Property(tries = 50)
    void rmsNormAndBackward(@ForAll @IntRange(min = 1, max = 300) int rows, @ForAll @IntRange(min = 1, max = 200) int n,
                            @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin x = uniform(rnd, -3, 3, rows, n), gamma = random(rnd, n);
        Twin out = random(rnd, rows, n), rstd = random(rnd, rows);
        both(r -> (r ? reference : candidate()).rmsNorm(pick(x, r), pick(gamma, r), 1e-5f, pick(out, r), pick(rstd, r)));
        assertClose("rmsNorm rstd", rstd, 1e-5, 1e-4);
        assertClose("rmsNorm out", out, 1e-4, 1e-4);
        Twin dy = random(rnd, rows, n), dx = random(rnd, rows, n), dg = random(rnd, n);
        both(r -> (r ? reference : candidate()).rmsNormBackward(pick(dy, r), pick(x, r), pick(gamma, r),
                pick(rstd, r), pick(dx, r), pick(dg, r)));
        assertClose("rmsNormBackward dx", dx, 2e-4, 1e-4);
        assertClose("rmsNormBackward dgamma", dg, 1e-4 * rows, 1e-4);
    }

    // ---- transformer kernels -----------------------------------------------------------------------

    @Property(tries = 40)
    void ropeAndBackward(@ForAll @IntRange(min = 1, max = 12) int n, @ForAll @IntRange(min = 1, max = 4) int heads,
                         @ForAll @IntRange(min = 1, max = 24) int halfD, @ForAll boolean alias, @ForAll boolean strided,
                         @ForAll long seed) {
        Random rnd = new Random(seed);
        // One position in eight lies past the CPU backend's table of angles (2^16 positions), computed per call.
        int[] pos = rnd.ints(n, 0, 4096).map(p -> rnd.nextInt(8) == 0 ? (1 << 16) + p : p).toArray();
        int d = 2 * halfD;
        // strided: x's rows are column blocks of wider rows (q or k of a stacked projection), out its own buffer
        Twin x = strided ? unflattenHeads(stridedRows(rnd, n, heads * d), heads, d) : random(rnd, n, heads, d);
        Twin out = alias && !strided ? x : random(rnd, n, heads, d);
        both(r -> (r ? reference : candidate()).rope(pick(x, r), pos, 10000f, pick(out, r)));
        assertClose("rope strided=" + strided, out, 1e-5, 1e-5);
        Twin dy = strided ? unflattenHeads(stridedRows(rnd, n, heads * d), heads, d) : random(rnd, n, heads, d);
        Twin dx = random(rnd, n, heads, d);
        both(r -> (r ? reference : candidate()).ropeBackward(pick(dy, r), pos, 10000f, pick(dx, r)));
        assertClose("ropeBackward strided=" + strided, dx, 1e-5, 1e-5);
    }

    /** A {@code [N, heads * d]} twin as {@code [N, heads, d]}. */
    private static Twin unflattenHeads(Twin rows, int heads, int d) {
        return new Twin(rows.r().unflatten(1, heads, d), rows.c().unflatten(1, heads, d));
    }

    /**
     * Grouped KV heads and a KV cache: stream b's queries sit at positions {@code start_b .. start_b+T-1}
     * of a cache of S keys (causal training is start 0 and S = T).
     */
    @Property(tries = 60)
    void attentionAndBackward(@ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 12) int t,
                              @ForAll @IntRange(min = 0, max = 20) int extraKeys, @ForAll @IntRange(min = 1, max = 3) int kv,
                              @ForAll @IntRange(min = 1, max = 3) int group, @ForAll @IntRange(min = 1, max = 40) int d,
                              @ForAll long seed) {
        checkAttention(batch, t, extraKeys, kv, group, d, seed);
    }

    /**
     * Head size 8 (stories260K) has a one-vector path on the CPU backend; long caches, odd and even;
     * batches large enough that the CPU backend gives each task all query heads of a KV head.
     */
    @Property(tries = 30)
    void attentionWithEightWideHeads(@ForAll @IntRange(min = 1, max = 8) int batch, @ForAll @IntRange(min = 1, max = 4) int t,
                                     @ForAll @IntRange(min = 0, max = 90) int extraKeys, @ForAll @IntRange(min = 1, max = 3) int kv,
                                     @ForAll @IntRange(min = 1, max = 3) int group, @ForAll long seed) {
        checkAttention(batch, t, extraKeys, kv, group, 8, seed);
    }

    /**
     * Eight or sixteen heads of size 8, over 1, 2, 4 or 8 KV heads, some as views of wider rows (a KV
     * cache's): the CPU backend decodes such heads eight at a time, one or (16 lanes) two key
     * positions' eight scores in one vector, odd key counts ending in half a step.
     */
    @Property(tries = 40)
    void attentionWithEightHeadsOfEight(@ForAll @IntRange(min = 1, max = 6) int batch, @ForAll @IntRange(min = 1, max = 4) int t,
                                        @ForAll @IntRange(min = 0, max = 90) int extraKeys, @ForAll @IntRange(min = 0, max = 3) int kvLog2,
                                        @ForAll boolean sixteen, @ForAll @IntRange(min = -1, max = 3) int pad, @ForAll long seed) {
        int kv = 1 << kvLog2, heads = sixteen ? 16 : 8;
        checkAttention(batch, t, extraKeys, kv, heads / kv, 8, seed, pad);
    }

    /** Sequences longer than the CPU backend's 64-query tiles in the backward, so tiles see different key counts. */
    @Property(tries = 8)
    void attentionWithLongSequences(@ForAll @IntRange(min = 60, max = 150) int t, @ForAll @IntRange(min = 0, max = 30) int extraKeys,
                                    @ForAll @IntRange(min = 1, max = 2) int group, @ForAll @IntRange(min = 1, max = 12) int d,
                                    @ForAll long seed) {
        checkAttention(2, t, extraKeys, 1, group, d, seed);
    }

    /**
     * q, k and v, and their gradients, as column blocks of wider token rows (q, k and v sliced from one
     * fused projection): views whose rows lie further apart than their heads. The wide tensors are
     * compared whole, so a write outside a view fails too.
     */
    @Property(tries = 30)
    void attentionOnViewsOfWiderRows(@ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 70) int t,
                                     @ForAll @IntRange(min = 0, max = 10) int extraKeys, @ForAll @IntRange(min = 1, max = 2) int kv,
                                     @ForAll @IntRange(min = 1, max = 2) int group, @ForAll @IntRange(min = 1, max = 20) int d,
                                     @ForAll @IntRange(min = 0, max = 5) int pad, @ForAll long seed) {
        checkAttention(batch, t, extraKeys, kv, group, d, seed, pad);
    }

    private void checkAttention(int batch, int t, int extraKeys, int kv, int group, int d, long seed) {
        checkAttention(batch, t, extraKeys, kv, group, d, seed, -1);
    }

    /** With {@code pad >= 0}, q, k, v and their gradients are views into wider rows with pad spare columns. */
    private void checkAttention(int batch, int t, int extraKeys, int kv, int group, int d, long seed, int pad) {
        Random rnd = new Random(seed);
        int s = t + extraKeys, h = kv * group;
        int[] qPos = new int[batch * t];
        for (int b = 0; b < batch; b++) {
            int start = rnd.nextInt(extraKeys + 1);
            for (int i = 0; i < t; i++) qPos[b * t + i] = start + i;
        }
        boolean views = pad >= 0;
        int skip = Math.max(pad, 0);
        Twin wideQ = uniform(rnd, -2, 2, batch, t, h * d + skip), wideKv = uniform(rnd, -2, 2, batch, s, 2 * kv * d + skip);
        Twin q = views ? heads(wideQ, skip, h, d) : uniform(rnd, -2, 2, batch, t, h, d);
        Twin k = views ? heads(wideKv, 0, kv, d) : uniform(rnd, -2, 2, batch, s, kv, d);
        Twin v = views ? heads(wideKv, kv * d, kv, d) : random(rnd, batch, s, kv, d);
        Twin out = random(rnd, batch, t, h, d), lse = random(rnd, batch, h, t);
        both(r -> (r ? reference : candidate()).attention(pick(q, r), pick(k, r), pick(v, r), qPos, pick(out, r),
                pick(lse, r)));
        assertClose("attention out", out, 1e-5, 1e-4);
        assertClose("attention lse", lse, 1e-5, 1e-5);
        Twin dout = random(rnd, batch, t, h, d);
        Twin wideDq = random(rnd, batch, t, h * d + skip), wideDkv = random(rnd, batch, s, skip + 2 * kv * d);
        Twin dq = views ? heads(wideDq, 0, h, d) : random(rnd, batch, t, h, d);
        Twin dk = views ? heads(wideDkv, skip + kv * d, kv, d) : random(rnd, batch, s, kv, d);
        Twin dv = views ? heads(wideDkv, skip, kv, d) : random(rnd, batch, s, kv, d);
        both(r -> (r ? reference : candidate()).attentionBackward(pick(q, r), pick(k, r), pick(v, r), qPos,
                pick(out, r), pick(lse, r), pick(dout, r), pick(dq, r), pick(dk, r), pick(dv, r)));
        assertClose("attentionBackward dq", views ? wideDq : dq, 1e-4, 1e-4);
        assertClose("attentionBackward dk and dv", views ? wideDkv : dk, 1e-4, 1e-4);
        if (!views) assertClose("attentionBackward dv", dv, 1e-4, 1e-4);
    }

    /** Columns {@code [from, from + heads*d)} of a {@code [B, T, W]} twin as a {@code [B, T, heads, d]} view. */
    private static Twin heads(Twin wide, int from, int heads, int d) {
        return new Twin(wide.r.slice(2, from, from + heads * d).unflatten(2, heads, d),
                wide.c.slice(2, from, from + heads * d).unflatten(2, heads, d));
    }

    @Property(tries = 40)
    void embeddingAndBackward(@ForAll @IntRange(min = 1, max = 50) int vocab, @ForAll @IntRange(min = 1, max = 70) int d,
                              @ForAll @IntRange(min = 0, max = 40) int n, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] ids = rnd.ints(n, 0, vocab).toArray(); // repeats included: their gradients must add up
        Twin table = random(rnd, vocab, d), out = random(rnd, n, d);
        both(r -> (r ? reference : candidate()).embedding(pick(table, r), ids, pick(out, r)));
        assertClose("embedding", out, 0, 0);
        Twin dout = random(rnd, n, d), dtable = random(rnd, vocab, d);
        both(r -> (r ? reference : candidate()).embeddingBackward(pick(dout, r), ids, pick(dtable, r)));
        // A row repeated r times sums r gradients onto its old value, in another order than the
        // specification's (1e-6 failed now and then for 40 ids: 1.5e-6 off at 0.23): a sum's tolerance.
        assertClose("embeddingBackward", dtable, matmulTolerance(n), 1e-6);
    }

    @Property(tries = 40)
    void scatterRows(@ForAll @IntRange(min = 1, max = 60) int rows, @ForAll @IntRange(min = 1, max = 70) int d,
                     @ForAll boolean strided, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] picked = IntStream.range(0, rows).filter(i -> rnd.nextBoolean()).toArray(); // a random subset, in order
        // strided: src's rows are column blocks of wider rows (v of a stacked projection)
        Twin src = strided ? stridedRows(rnd, picked.length, d) : random(rnd, picked.length, d), dst = random(rnd, rows, d);
        both(r -> (r ? reference : candidate()).scatterRows(pick(src, r), picked, pick(dst, r)));
        assertClose("scatterRows strided=" + strided, dst, 0, 0);
    }

    @Property(tries = 60)
    void crossEntropyAndBackward(@ForAll @IntRange(min = 1, max = 20) int n, @ForAll @IntRange(min = 1, max = 600) int vocab,
                                 @ForAll boolean smooth, @ForAll long seed) {
        Random rnd = new Random(seed);
        float smoothing = smooth ? rnd.nextFloat() * 0.3f : 0f;
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) targets[i] = rnd.nextInt(5) == 0 ? -100 : rnd.nextInt(vocab); // some ignored rows
        Twin logits = uniform(rnd, -10, 10, n, vocab), losses = random(rnd, n);
        both(r -> (r ? reference : candidate()).crossEntropy(pick(logits, r), targets, smoothing, pick(losses, r)));
        assertClose("crossEntropy", losses, 2e-5, 2e-5);
        Twin dl = random(rnd, n), dlogits = random(rnd, n, vocab);
        both(r -> (r ? reference : candidate()).crossEntropyBackward(pick(logits, r), targets, smoothing, pick(dl, r),
                pick(dlogits, r)));
        assertClose("crossEntropyBackward", dlogits, 1e-6, 1e-5);
    }

    // ---- optimizers --------------------------------------------------------------------------------

    @Property(tries = 30)
    void adamWAndSgd(@ForAll @IntRange(min = 1, max = 100_000) int n, @ForAll @IntRange(min = 1, max = 1000) int step,
                     @ForAll boolean zeroGrad, @ForAll long seed) {
        Random rnd = new Random(seed);
        Twin p = random(rnd, n), g = random(rnd, n), m = uniform(rnd, -0.1, 0.1, n), v = uniform(rnd, 0, 0.01, n);
        Twin vel = random(rnd, n);
        both(r -> (r ? reference : candidate()).sgd(pick(p, r), pick(g, r), pick(vel, r), 0.01f, 0.9f, 0.01f));
        assertClose("sgd velocity", vel, 1e-6, 1e-6);
        assertClose("sgd param", p, 1e-6, 1e-6);
        AdamWParams hp = new AdamWParams(1e-3f, 0.9f, 0.999f, 1e-8f, 0.1f, step, zeroGrad);
        both(r -> (r ? reference : candidate()).adamW(pick(p, r), pick(g, r), pick(m, r), pick(v, r), hp));
        assertClose("adamW m", m, 1e-7, 1e-5);
        assertClose("adamW v", v, 1e-9, 1e-5);
        assertClose("adamW param", p, 1e-6, 1e-5);
        float[] left = g.c.toHost(), reference = g.r.toHost(); // zeroed by both, or untouched by both
        for (int i = 0; i < n; i++) {
            if (left[i] != reference[i] || zeroGrad && left[i] != 0) {
                throw new AssertionError("adamW grad[" + i + "] = " + left[i] + ", expected " + (zeroGrad ? 0 : reference[i]));
            }
        }
    }

    // ---- validation --------------------------------------------------------------------------------

    /** Bad calls fail on the candidate exactly as on the reference (same exception, same message). */
    @Example
    void rejectsBadCallsLikeTheReference() {
        Random rnd = new Random(7);
        Twin a = random(rnd, 2, 3), b = random(rnd, 4, 5), c = random(rnd, 2, 5), v = random(rnd, 7);
        sameError(r -> (r ? reference : candidate()).matmul(pick(a, r), false, pick(b, r), false, pick(c, r), false));
        sameError(r -> (r ? reference : candidate()).softmax(pick(a, r), pick(c, r)));
        sameError(r -> (r ? reference : candidate()).adamW(pick(a, r), pick(v, r), pick(v, r), pick(v, r),
                new AdamWParams(1e-3f, 0.9f, 0.999f, 1e-8f, 0, 1)));
        sameError(r -> (r ? reference : candidate()).embedding(pick(b, r), new int[]{0, 9}, pick(c, r)));
        sameError(r -> (r ? reference : candidate()).scatterRows(pick(c, r), new int[]{3, 1}, pick(b, r)));
        Twin strided = new Twin(a.r.transpose(0, 1), a.c.transpose(0, 1));
        Twin out = random(rnd, 3, 2);
        sameError(r -> (r ? reference : candidate()).unary(UnaryOp.EXP, pick(strided, r), pick(out, r)));
    }

    private void sameError(Consumer<Boolean> call) {
        IllegalArgumentException want = assertThrows(IllegalArgumentException.class, () -> call.accept(true));
        IllegalArgumentException got = assertThrows(IllegalArgumentException.class, () -> call.accept(false));
        assertEquals(want.getMessage(), got.getMessage());
    }
}
