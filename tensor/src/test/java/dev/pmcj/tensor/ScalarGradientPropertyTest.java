package dev.pmcj.tensor;

import dev.pmcj.testsupport.GradCheck;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.FloatRange;

import java.util.Random;
import java.util.function.ToDoubleFunction;

import static dev.pmcj.tensor.TestTensors.B;
import static dev.pmcj.tensor.TestTensors.of;
import static dev.pmcj.tensor.TestTensors.uniform;

/**
 * Each backward kernel of the scalar backend against central finite differences of its forward.
 * The loss is {@code L = sum w * forward(...)} with random weights w, so the backward runs with
 * {@code dy = w}; gradients start from random values to check that backward kernels accumulate.
 */
class ScalarGradientPropertyTest {

    /** Runs a backward into a gradient pre-filled with noise and returns what it added. */
    private static float[] accumulated(Random r, Shape shape, java.util.function.Consumer<Tensor> backward) {
        float[] before = uniform(r, shape.size(), -1, 1);
        Tensor grad = B.fromHost(before, shape);
        backward.accept(grad);
        float[] after = grad.toHost();
        for (int i = 0; i < after.length; i++) after[i] -= before[i];
        return after;
    }

    private static void check(String what, float[] x, ToDoubleFunction<float[]> loss, float[] analytic) {
        GradCheck.assertClose(what, GradCheck.centralDifferences(loss, x, GradCheck.DEFAULT_STEP), analytic);
    }

    @Property(tries = 60)
    void unaryBackward(@ForAll UnaryOp op, @ForAll @IntRange(min = 1, max = 12) int n, @ForAll long seed) {
        Random r = new Random(seed);
        float[] x = switch (op) {
            case LOG, SQRT, RECIPROCAL -> uniform(r, n, 0.5, 2);
            default -> uniform(r, n, -3, 3);
        };
        if (op == UnaryOp.RELU || op == UnaryOp.ABS) {
            for (int i = 0; i < n; i++) x[i] = Math.copySign(0.1f + Math.abs(x[i]), x[i]); // away from the kink
        }
        float[] w = uniform(r, n, -1, 1);
        Shape s = Shape.of(n);
        ToDoubleFunction<float[]> loss = xs -> {
            Tensor y = B.allocate(s);
            B.unary(op, B.fromHost(xs, s), y);
            return GradCheck.weightedSum(y.toHost(), w);
        };
        Tensor xt = B.fromHost(x, s), y = B.allocate(s);
        B.unary(op, xt, y);
        check("unary " + op, x, loss, accumulated(r, s, dx -> B.unaryBackward(op, xt, y, B.fromHost(w, s), dx, true)));
    }

    @Property(tries = 30)
    void matmulGradientIsMatmulWithTransposes(@ForAll @IntRange(min = 1, max = 4) int m,
                                              @ForAll @IntRange(min = 1, max = 4) int k,
                                              @ForAll @IntRange(min = 1, max = 4) int n, @ForAll long seed) {
        Random r = new Random(seed);
        float[] a = uniform(r, m * k, -1, 1), b = uniform(r, k * n, -1, 1), w = uniform(r, m * n, -1, 1);
        ToDoubleFunction<float[]> lossA = as -> {
            Tensor c = B.allocate(Shape.of(m, n));
            B.matmul(of(as, m, k), false, of(b, k, n), false, c, false);
            return GradCheck.weightedSum(c.toHost(), w);
        };
        ToDoubleFunction<float[]> lossB = bs -> {
            Tensor c = B.allocate(Shape.of(m, n));
            B.matmul(of(a, m, k), false, of(bs, k, n), false, c, false);
            return GradCheck.weightedSum(c.toHost(), w);
        };
        // dA = dC @ B^T and dB = A^T @ dC, accumulated into existing gradients.
        check("matmul dA", a, lossA, accumulated(r, Shape.of(m, k),
                da -> B.matmul(of(w, m, n), false, of(b, k, n), true, da, true)));
        check("matmul dB", b, lossB, accumulated(r, Shape.of(k, n),
                db -> B.matmul(of(a, m, k), true, of(w, m, n), false, db, true)));
    }

    @Property(tries = 30)
    void sumToIsTheGradientOfBroadcast(@ForAll @IntRange(min = 1, max = 3) int a, @ForAll @IntRange(min = 1, max = 3) int b,
                                       @ForAll @IntRange(min = 1, max = 3) int c, @ForAll long seed) {
        Random r = new Random(seed);
        Shape small = Shape.of(a, 1), big = Shape.of(c, a, b);
        float[] x = uniform(r, small.size(), -1, 1), w = uniform(r, big.size(), -1, 1);
        ToDoubleFunction<float[]> loss = xs -> {
            Tensor y = B.allocate(big);
            B.copy(B.fromHost(xs, small).broadcastTo(big), y);
            return GradCheck.weightedSum(y.toHost(), w);
        };
        check("sumTo", x, loss, accumulated(r, small, dx -> B.sumTo(B.fromHost(w, big), dx, true)));
    }

    @Property(tries = 40)
    void softmaxAndLogSoftmaxBackward(@ForAll @IntRange(min = 1, max = 3) int rows, @ForAll @IntRange(min = 1, max = 6) int n,
                                      @ForAll boolean log, @ForAll long seed) {
        Random r = new Random(seed);
        Shape s = Shape.of(rows, n);
        float[] x = uniform(r, s.size(), -3, 3), w = uniform(r, s.size(), -1, 1);
        ToDoubleFunction<float[]> loss = xs -> GradCheck.weightedSum(forwardSoftmax(log, B.fromHost(xs, s)).toHost(), w);
        Tensor y = forwardSoftmax(log, B.fromHost(x, s));
        float[] analytic = accumulated(r, s, dx -> {
            if (log) B.logSoftmaxBackward(y, B.fromHost(w, s), dx);
            else B.softmaxBackward(y, B.fromHost(w, s), dx);
        });
        check(log ? "logSoftmax" : "softmax", x, loss, analytic);
    }

    private static Tensor forwardSoftmax(boolean log, Tensor x) {
        Tensor y = B.allocate(x.shape());
        if (log) B.logSoftmax(x, y);
        else B.softmax(x, y);
        return y;
    }

    @Property(tries = 40)
    void layerNormBackward(@ForAll @IntRange(min = 1, max = 3) int rows, @ForAll @IntRange(min = 2, max = 6) int n,
                           @ForAll boolean withBias, @ForAll long seed) {
        Random r = new Random(seed);
        Shape s = Shape.of(rows, n), c = Shape.of(n), perRow = Shape.of(rows);
        float[] x = uniform(r, s.size(), -2, 2), g = uniform(r, n, 0.5, 1.5), bias = uniform(r, n, -1, 1);
        float[] w = uniform(r, s.size(), -1, 1);
        float eps = 1e-2f;
        java.util.function.BiFunction<float[], float[], Double> loss = (xs, gs) -> {
            Tensor out = B.allocate(s);
            B.layerNorm(B.fromHost(xs, s), B.fromHost(gs, c), withBias ? B.fromHost(bias, c) : null, eps, out,
                    B.allocate(perRow), B.allocate(perRow));
            return GradCheck.weightedSum(out.toHost(), w);
        };
        Tensor xt = B.fromHost(x, s), gt = B.fromHost(g, c), mean = B.allocate(perRow), rstd = B.allocate(perRow);
        B.layerNorm(xt, gt, withBias ? B.fromHost(bias, c) : null, eps, B.allocate(s), mean, rstd);
        Tensor dy = B.fromHost(w, s);
        check("layerNorm dx", x, xs -> loss.apply(xs, g), accumulated(r, s,
                dx -> B.layerNormBackward(dy, xt, gt, mean, rstd, dx, B.allocate(c), withBias ? B.allocate(c) : null)));
        check("layerNorm dgamma", g, gs -> loss.apply(x, gs), accumulated(r, c,
                dg -> B.layerNormBackward(dy, xt, gt, mean, rstd, B.allocate(s), dg, withBias ? B.allocate(c) : null)));
        if (withBias) {
            float[] dbeta = accumulated(r, c, db -> B.layerNormBackward(dy, xt, gt, mean, rstd, B.allocate(s), B.allocate(c), db));
            ToDoubleFunction<float[]> lossBeta = bs -> {
                Tensor out = B.allocate(s);
                B.layerNorm(xt, gt, B.fromHost(bs, c), eps, out, B.allocate(perRow), B.allocate(perRow));
                return GradCheck.weightedSum(out.toHost(), w);
            };
            check("layerNorm dbeta", bias, lossBeta, dbeta);
        }
    }

    @Property(tries = 40)
    void rmsNormBackward(@ForAll @IntRange(min = 1, max = 3) int rows, @ForAll @IntRange(min = 1, max = 6) int n,
                         @ForAll long seed) {
        Random r = new Random(seed);
        Shape s = Shape.of(rows, n), c = Shape.of(n), perRow = Shape.of(rows);
        float[] x = uniform(r, s.size(), -2, 2), g = uniform(r, n, 0.5, 1.5), w = uniform(r, s.size(), -1, 1);
        float eps = 1e-2f;
        java.util.function.BiFunction<float[], float[], Double> loss = (xs, gs) -> {
            Tensor out = B.allocate(s);
            B.rmsNorm(B.fromHost(xs, s), B.fromHost(gs, c), eps, out, B.allocate(perRow));
            return GradCheck.weightedSum(out.toHost(), w);
        };
        Tensor xt = B.fromHost(x, s), gt = B.fromHost(g, c), rstd = B.allocate(perRow);
        B.rmsNorm(xt, gt, eps, B.allocate(s), rstd);
        Tensor dy = B.fromHost(w, s);
        check("rmsNorm dx", x, xs -> loss.apply(xs, g),
                accumulated(r, s, dx -> B.rmsNormBackward(dy, xt, gt, rstd, dx, B.allocate(c))));
        check("rmsNorm dgamma", g, gs -> loss.apply(x, gs),
                accumulated(r, c, dg -> B.rmsNormBackward(dy, xt, gt, rstd, B.allocate(s), dg)));
    }

    @Property(tries = 30)
    void ropeBackward(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 2) int heads,
                      @ForAll @IntRange(min = 1, max = 3) int halfD, @ForAll long seed) {
        Random r = new Random(seed);
        Shape s = Shape.of(n, heads, 2 * halfD);
        int[] pos = r.ints(n, 0, 50).toArray();
        float[] x = uniform(r, s.size(), -1, 1), w = uniform(r, s.size(), -1, 1);
        ToDoubleFunction<float[]> loss = xs -> {
            Tensor out = B.allocate(s);
            B.rope(B.fromHost(xs, s), pos, 100f, out);
            return GradCheck.weightedSum(out.toHost(), w);
        };
        check("rope", x, loss, accumulated(r, s, dx -> B.ropeBackward(B.fromHost(w, s), pos, 100f, dx)));
    }

    @Property(tries = 30)
    void attentionBackward(@ForAll @IntRange(min = 1, max = 2) int batch, @ForAll @IntRange(min = 1, max = 3) int t,
                           @ForAll @IntRange(min = 1, max = 2) int kv, @ForAll @IntRange(min = 1, max = 2) int group,
                           @ForAll @IntRange(min = 0, max = 2) int extraKeys, @ForAll long seed) {
        Random r = new Random(seed);
        int h = kv * group, d = 4, keys = t + extraKeys;
        Shape qs = Shape.of(batch, t, h, d), ks = Shape.of(batch, keys, kv, d), ls = Shape.of(batch, h, t);
        int[] qPos = r.ints(batch * t, 0, keys).toArray();
        float[] q = uniform(r, qs.size(), -1, 1), k = uniform(r, ks.size(), -1, 1), v = uniform(r, ks.size(), -1, 1);
        float[] w = uniform(r, qs.size(), -1, 1);
        Tensor qt = B.fromHost(q, qs), kt = B.fromHost(k, ks), vt = B.fromHost(v, ks);
        Tensor out = B.allocate(qs), lse = B.allocate(ls);
        B.attention(qt, kt, vt, qPos, out, lse);
        Tensor dout = B.fromHost(w, qs);
        ToDoubleFunction<float[][]> loss = args -> {
            Tensor o = B.allocate(qs);
            B.attention(B.fromHost(args[0], qs), B.fromHost(args[1], ks), B.fromHost(args[2], ks), qPos, o, B.allocate(ls));
            return GradCheck.weightedSum(o.toHost(), w);
        };
        check("attention dq", q, qq -> loss.applyAsDouble(new float[][]{qq, k, v}), accumulated(r, qs,
                dq -> B.attentionBackward(qt, kt, vt, qPos, out, lse, dout, dq, B.allocate(ks), B.allocate(ks))));
        check("attention dk", k, kk -> loss.applyAsDouble(new float[][]{q, kk, v}), accumulated(r, ks,
                dk -> B.attentionBackward(qt, kt, vt, qPos, out, lse, dout, B.allocate(qs), dk, B.allocate(ks))));
        check("attention dv", v, vv -> loss.applyAsDouble(new float[][]{q, k, vv}), accumulated(r, ks,
                dv -> B.attentionBackward(qt, kt, vt, qPos, out, lse, dout, B.allocate(qs), B.allocate(ks), dv)));
    }

    @Property(tries = 30)
    void embeddingBackward(@ForAll @IntRange(min = 1, max = 5) int vocab, @ForAll @IntRange(min = 1, max = 3) int d,
                           @ForAll @IntRange(min = 1, max = 6) int n, @ForAll long seed) {
        Random r = new Random(seed);
        Shape ts = Shape.of(vocab, d), os = Shape.of(n, d);
        int[] ids = r.ints(n, 0, vocab).toArray();
        float[] table = uniform(r, ts.size(), -1, 1), w = uniform(r, os.size(), -1, 1);
        ToDoubleFunction<float[]> loss = tab -> {
            Tensor out = B.allocate(os);
            B.embedding(B.fromHost(tab, ts), ids, out);
            return GradCheck.weightedSum(out.toHost(), w);
        };
        check("embedding", table, loss, accumulated(r, ts, dt -> B.embeddingBackward(B.fromHost(w, os), ids, dt)));
    }

    @Property(tries = 40)
    void crossEntropyBackward(@ForAll @IntRange(min = 1, max = 4) int n, @ForAll @IntRange(min = 1, max = 6) int vocab,
                              @ForAll @FloatRange(min = 0, max = 0.5f) float smoothing, @ForAll long seed) {
        Random r = new Random(seed);
        Shape s = Shape.of(n, vocab), ns = Shape.of(n);
        int[] targets = r.ints(n, -1, vocab).toArray(); // -1 rows are ignored
        float[] logits = uniform(r, s.size(), -3, 3), w = uniform(r, n, -1, 1);
        ToDoubleFunction<float[]> loss = ls -> {
            Tensor losses = B.allocate(ns);
            B.crossEntropy(B.fromHost(ls, s), targets, smoothing, losses);
            return GradCheck.weightedSum(losses.toHost(), w);
        };
        check("crossEntropy", logits, loss, accumulated(r, s,
                dl -> B.crossEntropyBackward(B.fromHost(logits, s), targets, smoothing, B.fromHost(w, ns), dl)));
    }
}
