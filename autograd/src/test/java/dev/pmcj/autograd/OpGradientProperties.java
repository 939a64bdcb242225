package dev.pmcj.autograd;

import dev.pmcj.autograd.GradientHarness.Input;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.ReduceOp;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.UnaryOp;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

import static dev.pmcj.autograd.GradientHarness.check;
import static dev.pmcj.autograd.GradientHarness.dims;
import static dev.pmcj.autograd.GradientHarness.random;

/**
 * A finite-difference gradient check for every differentiable op, over random shapes and values.
 * Shapes come from jqwik (so failures shrink); values from a seeded {@link Random}. Each backend
 * gets a subclass, so the same properties run on the specification and on the fast backend.
 */
abstract class OpGradientProperties {
    private static final int TRIES = 25;

    protected abstract Backend backend();

    @Property(tries = TRIES)
    void matmul(@ForAll @IntRange(max = 2) int batchRank, @ForAll @IntRange(min = 1, max = 4) int m,
                @ForAll @IntRange(min = 1, max = 4) int k, @ForAll @IntRange(min = 1, max = 4) int n,
                @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean sharedB, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] batch = dims(rnd, batchRank, 3);
        int[] a = concat(batch, transA ? new int[] {k, m} : new int[] {m, k});
        int[] b = concat(sharedB ? new int[0] : batch, transB ? new int[] {n, k} : new int[] {k, n});
        check(backend(), "matmul a" + Arrays.toString(a) + (transA ? "^T" : "") + " b" + Arrays.toString(b) + (transB ? "^T" : ""),
                rnd, (t, x) -> Ops.matmul(t, x[0], transA, x[1], transB), random(rnd, "a", a), random(rnd, "b", b));
    }

    @Property(tries = TRIES)
    void linear(@ForAll @IntRange(min = 1, max = 3) int xRank, @ForAll @IntRange(min = 1, max = 4) int in,
                @ForAll @IntRange(min = 1, max = 4) int out, @ForAll boolean withBias, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] x = concat(dims(rnd, xRank - 1, 3), new int[] {in});
        Input xi = random(rnd, "x", x), w = random(rnd, "weight", out, in);
        if (withBias) {
            check(backend(), "linear+bias", rnd, (t, v) -> Ops.linear(t, v[0], v[1], v[2]), xi, w, random(rnd, "bias", out));
        } else {
            check(backend(), "linear", rnd, (t, v) -> Ops.linear(t, v[0], v[1], null), xi, w);
        }
    }

    @Property(tries = TRIES)
    void binaryWithBroadcasting(@ForAll("arithmetic") BinaryOp op, @ForAll @IntRange(min = 1, max = 3) int rank,
                                @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] out = dims(rnd, rank, 3);
        Shape a = broadcastable(rnd, out), b = broadcastable(rnd, out);
        Input ai = Input.of("a", a, GradientHarness.uniform(rnd, a.size(), -1f, 1f));
        Input bi = Input.of("b", b, op == BinaryOp.DIV ? GradientHarness.awayFromZero(rnd, b.size(), 0.5f, 1.5f)
                : GradientHarness.uniform(rnd, b.size(), -1f, 1f));
        check(backend(), "binary " + op + " " + a + " " + b, rnd, (t, x) -> switch (op) {
            case ADD -> Ops.add(t, x[0], x[1]);
            case SUB -> Ops.sub(t, x[0], x[1]);
            case MUL -> Ops.mul(t, x[0], x[1]);
            case DIV -> Ops.div(t, x[0], x[1]);
            default -> throw new AssertionError(op);
        }, ai, bi);
    }

    @Provide
    Arbitrary<BinaryOp> arithmetic() {
        return Arbitraries.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV);
    }

    @Property(tries = 40)
    void unary(@ForAll UnaryOp op, @ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random rnd = new Random(seed);
        Shape s = Shape.of(dims(rnd, rank, 4));
        float[] v = switch (op) {
            case LOG, SQRT, RECIPROCAL -> GradientHarness.uniform(rnd, s.size(), 0.5f, 2f);
            case RELU, ABS -> GradientHarness.awayFromZero(rnd, s.size(), 0.05f, 2f);
            default -> GradientHarness.uniform(rnd, s.size(), -2f, 2f);
        };
        check(backend(), "unary " + op, rnd, (t, x) -> Ops.unary(t, op, x[0]), Input.of("x", s, v));
    }

    @Property(tries = TRIES)
    void everyNamedUnaryShortcut(@ForAll long seed) {
        Random rnd = new Random(seed);
        Input x = Input.of("x", Shape.of(2, 3), GradientHarness.uniform(rnd, 6, 0.5f, 2f));
        check(backend(), "neg/exp/log/tanh/sigmoid/softplus/relu/silu/gelu/geluTanh/square/sqrt chain", rnd, (t, v) -> {
            Var s = Ops.add(t, Ops.neg(t, v[0]), Ops.exp(t, v[0]));
            s = Ops.add(t, s, Ops.add(t, Ops.log(t, v[0]), Ops.tanh(t, v[0])));
            s = Ops.add(t, s, Ops.add(t, Ops.sigmoid(t, v[0]), Ops.softplus(t, v[0])));
            s = Ops.add(t, s, Ops.add(t, Ops.relu(t, v[0]), Ops.silu(t, v[0])));
            s = Ops.add(t, s, Ops.add(t, Ops.gelu(t, v[0]), Ops.geluTanh(t, v[0])));
            return Ops.add(t, s, Ops.add(t, Ops.square(t, v[0]), Ops.sqrt(t, v[0])));
        }, x);
    }

    @Property(tries = TRIES)
    void affineAndScale(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random rnd = new Random(seed);
        float alpha = -3f + 6f * rnd.nextFloat(), beta = -1f + 2f * rnd.nextFloat();
        check(backend(), "affine " + alpha + " x + " + beta, rnd,
                (t, x) -> Ops.add(t, Ops.affine(t, x[0], alpha, beta), Ops.scale(t, x[0], beta)),
                random(rnd, "x", dims(rnd, rank, 4)));
    }

    @Property(tries = TRIES)
    void logSigmoid(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random rnd = new Random(seed);
        Shape s = Shape.of(dims(rnd, rank, 4));
        check(backend(), "logSigmoid", rnd, (t, x) -> Ops.logSigmoid(t, x[0]),
                Input.of("x", s, GradientHarness.uniform(rnd, s.size(), -8f, 8f)));
    }

    @Property(tries = 40)
    void reduce(@ForAll ReduceOp op, @ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] d = dims(rnd, rank, 4);
        int axis = rnd.nextInt(rank) - (rnd.nextBoolean() ? rank : 0);
        Shape s = Shape.of(d);
        // MAX: distinct values far apart compared with the step, so no tie flips under perturbation.
        float[] v = op == ReduceOp.MAX ? distinct(rnd, s.size()) : GradientHarness.uniform(rnd, s.size(), -1f, 1f);
        check(backend(), "reduce " + op + " axis " + axis + " of " + s, rnd, (t, x) -> switch (op) {
            case SUM -> Ops.sum(t, x[0], axis);
            case MEAN -> Ops.mean(t, x[0], axis);
            case MAX -> Ops.max(t, x[0], axis);
        }, Input.of("x", s, v));
    }

    @Property(tries = TRIES)
    void sumAllAndMeanAll(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll boolean mean, @ForAll long seed) {
        Random rnd = new Random(seed);
        check(backend(), mean ? "meanAll" : "sumAll", rnd, (t, x) -> mean ? Ops.meanAll(t, x[0]) : Ops.sumAll(t, x[0]),
                random(rnd, "x", dims(rnd, rank, 4)));
    }

    @Property(tries = TRIES)
    void softmaxAndLogSoftmax(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll boolean log, @ForAll long seed) {
        Random rnd = new Random(seed);
        Shape s = Shape.of(dims(rnd, rank, 5));
        check(backend(), log ? "logSoftmax" : "softmax", rnd, (t, x) -> log ? Ops.logSoftmax(t, x[0]) : Ops.softmax(t, x[0]),
                Input.of("x", s, GradientHarness.uniform(rnd, s.size(), -3f, 3f)));
    }

    @Property(tries = TRIES)
    void layerNorm(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 3, max = 6) int d,
                   @ForAll boolean withBeta, @ForAll long seed) {
        Random rnd = new Random(seed);
        Input x = Input.of("x", Shape.of(rows, d), GradientHarness.spreadRows(rnd, rows, d));
        Input gamma = Input.of("gamma", Shape.of(d), GradientHarness.uniform(rnd, d, 0.5f, 1.5f));
        if (withBeta) {
            check(backend(), "layerNorm", rnd, (t, v) -> Ops.layerNorm(t, v[0], v[1], v[2], 1e-5f), x, gamma,
                    random(rnd, "beta", d));
        } else {
            check(backend(), "layerNorm (no beta)", rnd, (t, v) -> Ops.layerNorm(t, v[0], v[1], null, 1e-5f), x, gamma);
        }
    }

    @Property(tries = TRIES)
    void rmsNorm(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 2, max = 6) int d, @ForAll long seed) {
        Random rnd = new Random(seed);
        Input x = Input.of("x", Shape.of(rows, d), GradientHarness.spreadRows(rnd, rows, d));
        Input gamma = Input.of("gamma", Shape.of(d), GradientHarness.uniform(rnd, d, 0.5f, 1.5f));
        check(backend(), "rmsNorm", rnd, (t, v) -> Ops.rmsNorm(t, v[0], v[1], 1e-5f), x, gamma);
    }

    @Property(tries = TRIES)
    void rope(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 2) int h,
              @ForAll @IntRange(min = 1, max = 3) int pairs, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] positions = rnd.ints(n, 0, 64).toArray();
        float theta = rnd.nextBoolean() ? 10000f : 500f;
        check(backend(), "rope at " + Arrays.toString(positions), rnd, (t, x) -> Ops.rope(t, x[0], positions, theta),
                random(rnd, "x", n, h, 2 * pairs));
    }

    @Property(tries = TRIES)
    void attention(@ForAll @IntRange(min = 1, max = 2) int b, @ForAll @IntRange(min = 1, max = 3) int tq,
                   @ForAll @IntRange(max = 2) int cached, @ForAll @IntRange(min = 1, max = 2) int kvHeads,
                   @ForAll @IntRange(min = 1, max = 2) int group, @ForAll @IntRange(min = 1, max = 4) int d,
                   @ForAll long seed) {
        Random rnd = new Random(seed);
        int s = tq + cached, heads = kvHeads * group;
        int[] qPos = new int[b * tq];
        for (int i = 0; i < b; i++) {
            int start = rnd.nextInt(cached + 1); // each stream at its own position, within the S keys
            for (int j = 0; j < tq; j++) qPos[i * tq + j] = start + j;
        }
        check(backend(), "attention qPos " + Arrays.toString(qPos), rnd, (t, x) -> Ops.attention(t, x[0], x[1], x[2], qPos),
                random(rnd, "q", b, tq, heads, d), random(rnd, "k", b, s, kvHeads, d), random(rnd, "v", b, s, kvHeads, d));
    }

    /** q, k and v as column blocks of one fused projection: the gradient lands in that projection's rows. */
    @Property(tries = TRIES)
    void attentionOverAFusedProjection(@ForAll @IntRange(min = 1, max = 2) int b, @ForAll @IntRange(min = 1, max = 3) int tq,
                                       @ForAll @IntRange(min = 1, max = 2) int kvHeads, @ForAll @IntRange(min = 1, max = 2) int group,
                                       @ForAll @IntRange(min = 1, max = 4) int d, @ForAll long seed) {
        Random rnd = new Random(seed);
        int heads = kvHeads * group;
        int[] qPos = new int[b * tq];
        for (int i = 0; i < qPos.length; i++) qPos[i] = i % tq;
        check(backend(), "fused attention, " + heads + " heads over " + kvHeads, rnd,
                (t, x) -> Ops.attention(t, x[0], b, tq, heads, kvHeads, qPos),
                random(rnd, "qkv", b * tq, (heads + 2 * kvHeads) * d));
    }

    @Property(tries = TRIES)
    void embedding(@ForAll @IntRange(min = 1, max = 5) int vocab, @ForAll @IntRange(min = 1, max = 4) int d,
                   @ForAll @IntRange(min = 1, max = 6) int n, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] ids = rnd.ints(n, 0, vocab).toArray(); // repeats test accumulation into one row
        check(backend(), "embedding " + Arrays.toString(ids), rnd, (t, x) -> Ops.embedding(t, x[0], ids),
                random(rnd, "table", vocab, d));
    }

    @Property(tries = TRIES)
    void crossEntropy(@ForAll @IntRange(min = 1, max = 4) int n, @ForAll @IntRange(min = 2, max = 6) int vocab,
                      @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] targets = rnd.ints(n, -1, vocab).toArray(); // -1 rows are ignored
        float smoothing = rnd.nextBoolean() ? 0f : 0.3f * rnd.nextFloat();
        check(backend(), "crossEntropy targets " + Arrays.toString(targets) + " smoothing " + smoothing, rnd,
                (t, x) -> Ops.crossEntropy(t, x[0], targets, smoothing),
                Input.of("logits", Shape.of(n, vocab), GradientHarness.uniform(rnd, n * vocab, -3f, 3f)));
    }

    @Property(tries = TRIES)
    void reshapeOfContiguousAndStridedInputs(@ForAll @IntRange(min = 2, max = 3) int rank, @ForAll boolean strided,
                                             @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] d = dims(rnd, rank, 4);
        int[] target = d.clone();
        for (int i = 0; i < rank / 2; i++) {
            int tmp = target[i];
            target[i] = target[rank - 1 - i];
            target[rank - 1 - i] = tmp;
        }
        target[0] = -1;
        check(backend(), "reshape " + Arrays.toString(d) + " to " + Arrays.toString(target) + (strided ? " after transpose" : ""),
                rnd, (t, x) -> Ops.reshape(t, strided ? Ops.transpose(t, x[0], 0, -1) : x[0], target), random(rnd, "x", d));
    }

    @Property(tries = TRIES)
    void transposeAndContiguous(@ForAll @IntRange(min = 2, max = 4) int rank, @ForAll boolean copy, @ForAll long seed) {
        Random rnd = new Random(seed);
        int a = rnd.nextInt(rank), b = rnd.nextInt(rank);
        check(backend(), "transpose " + a + "," + b + (copy ? " + contiguous" : ""), rnd, (t, x) -> {
            Var y = Ops.transpose(t, x[0], a, b);
            return copy ? Ops.contiguous(t, y) : y;
        }, random(rnd, "x", dims(rnd, rank, 3)));
    }

    @Property(tries = TRIES)
    void slice(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] d = dims(rnd, rank, 4);
        int axis = rnd.nextInt(rank);
        int start = rnd.nextInt(d[axis]), end = start + 1 + rnd.nextInt(d[axis] - start);
        check(backend(), "slice axis " + axis + " [" + start + ", " + end + ") of " + Arrays.toString(d), rnd,
                (t, x) -> Ops.slice(t, x[0], axis, start, end), random(rnd, "x", d));
    }

    @Property(tries = TRIES)
    void concat(@ForAll @IntRange(min = 1, max = 3) int parts, @ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] d = dims(rnd, rank, 3);
        int axis = rnd.nextInt(rank);
        Input[] in = new Input[parts];
        for (int i = 0; i < parts; i++) {
            int[] di = d.clone();
            di[axis] = 1 + rnd.nextInt(3);
            in[i] = random(rnd, "part" + i, di);
        }
        check(backend(), "concat axis " + axis + " of " + parts + " parts", rnd, (t, x) -> Ops.concat(t, axis, x), in);
    }

    @Property(tries = TRIES)
    void broadcastTo(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random rnd = new Random(seed);
        Shape target = Shape.of(dims(rnd, rank, 3));
        Shape from = broadcastable(rnd, target.dims());
        check(backend(), "broadcast " + from + " to " + target, rnd, (t, x) -> Ops.broadcastTo(t, x[0], target),
                Input.of("x", from, GradientHarness.uniform(rnd, from.size(), -1f, 1f)));
    }

    /** A shape that broadcasts to {@code out}: some axes set to 1, maybe fewer leading axes. */
    private static Shape broadcastable(Random rnd, int[] out) {
        int drop = rnd.nextInt(out.length);
        int[] d = Arrays.copyOfRange(out, drop, out.length);
        for (int i = 0; i < d.length; i++) if (rnd.nextInt(3) == 0) d[i] = 1;
        return Shape.of(d);
    }

    /** A shuffled ramp with gaps of 0.05: no two values within the finite-difference step of each other. */
    private static float[] distinct(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 0.05f * (i - n / 2f);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            float tmp = v[i];
            v[i] = v[j];
            v[j] = tmp;
        }
        return v;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
