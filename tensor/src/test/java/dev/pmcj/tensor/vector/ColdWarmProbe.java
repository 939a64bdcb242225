package dev.pmcj.tensor.vector;

import dev.pmcj.tensor.AdamWParams;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.ReduceOp;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.tensor.UnaryOp;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs every fast kernel {@link #REPEATS} times on fixed inputs, starting in a fresh JVM, and prints
 * per kernel how many different results it gave: {@code NAME DISTINCT}. The first calls run in the
 * interpreter, the last in C2, so anything but 1 means a result depends on the JIT tier.
 * {@link ColdWarmDeterminismTest} runs it.
 */
public final class ColdWarmProbe {
    static final int REPEATS = 40;
    private static final Backend BE = new VectorBackend();
    private static final Random RND = new Random(7);

    private ColdWarmProbe() {
    }

    public static void main(String[] args) {
        // Widths that are not multiples of a vector, so the scalar tails run; n * c above the
        // element-wise grain, so the work is split between threads.
        int n = 401, c = 100, v = 77;
        Tensor x = random(n, c), w = random(c, 3 * c), g = random(n, 3 * c), gamma = random(c), beta = random(c);
        probe("matmul", () -> {
            Tensor y = BE.allocate(Shape.of(n, 3 * c)), dw = BE.allocate(Shape.of(c, 3 * c)), dx = BE.allocate(Shape.of(n, c));
            BE.matmul(x, false, w, false, y, false);
            BE.matmul(x, true, g, false, dw, true);
            BE.matmul(g, false, w, true, dx, false);
            return new Tensor[]{y, dw, dx};
        });
        Tensor rows = random(6, c), weights = random(3 * c, c);
        probe("matmul_few_rows", () -> { // decoding's shape: a few rows against a transposed weight
            Tensor y = BE.allocate(Shape.of(6, 3 * c));
            BE.matmul(rows, false, weights, true, y, false);
            return new Tensor[]{y};
        });
        for (UnaryOp op : UnaryOp.values()) {
            Tensor in = op == UnaryOp.LOG || op == UnaryOp.SQRT ? positive(n, c) : x;
            probe("unary " + op, () -> {
                Tensor y = BE.allocate(x.shape()), dx = BE.allocate(x.shape());
                BE.unary(op, in, y);
                BE.unaryBackward(op, in, y, x, dx, true);
                return new Tensor[]{y, dx};
            });
        }
        probe("binary, sumTo, reduce", () -> {
            Tensor s = BE.allocate(Shape.of(n, c)), col = BE.allocate(Shape.of(c)), sum = BE.allocate(Shape.of(n, 1));
            Tensor max = BE.allocate(Shape.of(1, c)), sq = BE.allocate(Shape.of(1));
            BE.binary(BinaryOp.MUL, x, gamma, s);
            BE.sumTo(s, col, false);
            BE.reduce(ReduceOp.SUM, s, 1, sum);
            BE.reduce(ReduceOp.MAX, s, 0, max);
            BE.sumOfSquares(s, sq);
            return new Tensor[]{s, col, sum, max, sq};
        });
        probe("softmax, logSoftmax", () -> {
            Tensor y = BE.allocate(x.shape()), ly = BE.allocate(x.shape()), dx = BE.allocate(x.shape());
            BE.softmax(x, y);
            BE.softmaxBackward(y, x, dx);
            BE.logSoftmax(x, ly);
            BE.logSoftmaxBackward(ly, x, dx);
            return new Tensor[]{y, ly, dx};
        });
        probe("layerNorm, rmsNorm", () -> {
            Tensor y = BE.allocate(x.shape()), mean = BE.allocate(Shape.of(n)), rstd = BE.allocate(Shape.of(n));
            Tensor dx = BE.allocate(x.shape()), dg = BE.allocate(Shape.of(c)), db = BE.allocate(Shape.of(c));
            BE.layerNorm(x, gamma, beta, 1e-5f, y, mean, rstd);
            BE.layerNormBackward(x, x, gamma, mean, rstd, dx, dg, db);
            BE.rmsNorm(x, gamma, 1e-5f, y, rstd);
            BE.rmsNormBackward(x, x, gamma, rstd, dx, dg);
            return new Tensor[]{y, dx, dg, db};
        });
        for (int d : new int[]{8, 20}) {
            probeAttention(d, 4, 19); // tiled
            probeAttention(d, 4, 3);  // row by row, as in decoding
        }
        probeAttention(8, 8, 3); // eight heads of size 8 at once, as in decoding stories260K
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) targets[i] = i % 9 == 0 ? -1 : RND.nextInt(v);
        Tensor logits = random(n, v), dlosses = random(n);
        probe("crossEntropy", () -> {
            Tensor losses = BE.allocate(Shape.of(n)), dlogits = BE.allocate(logits.shape());
            BE.crossEntropy(logits, targets, 0.1f, losses);
            BE.crossEntropyBackward(logits, targets, 0.1f, dlosses, dlogits);
            return new Tensor[]{losses, dlogits};
        });
        Tensor grad = random(c, 3 * c);
        probe("adamW", () -> {
            Tensor p = BE.allocate(w.shape()), m = BE.allocate(w.shape()), s = BE.allocate(w.shape());
            BE.copy(w, p);
            for (int step = 1; step <= 3; step++) BE.adamW(p, grad, m, s, new AdamWParams(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, step));
            return new Tensor[]{p, m, s};
        });
    }

    private static void probeAttention(int d, int h, int t) {
        int b = 2, kv = h / 2;
        Tensor q = random(b, t, h, d), k = random(b, t, kv, d), val = random(b, t, kv, d), dout = random(b, t, h, d);
        int[] pos = new int[b * t];
        for (int i = 0; i < pos.length; i++) pos[i] = i % t;
        probe("attention " + h + " heads of " + d + " queries " + t, () -> {
            Tensor out = BE.allocate(q.shape()), lse = BE.allocate(Shape.of(b, h, t));
            Tensor dq = BE.allocate(q.shape()), dk = BE.allocate(k.shape()), dv = BE.allocate(val.shape());
            BE.attention(q, k, val, pos, out, lse);
            BE.attentionBackward(q, k, val, pos, out, lse, dout, dq, dk, dv);
            return new Tensor[]{out, lse, dq, dk, dv};
        });
    }

    private static void probe(String name, Supplier<Tensor[]> kernels) {
        Set<Integer> results = new HashSet<>();
        for (int r = 0; r < REPEATS; r++) {
            int hash = 1;
            for (Tensor t : kernels.get()) hash = 31 * hash + Arrays.hashCode(BE.toHost(t));
            results.add(hash);
        }
        System.out.println(name.replace(' ', '_') + " " + results.size());
    }

    private static Tensor random(int... dims) {
        float[] v = new float[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) RND.nextGaussian();
        return BE.fromHost(v, Shape.of(dims));
    }

    private static Tensor positive(int... dims) {
        float[] v = new float[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.exp(2 * RND.nextGaussian());
        return BE.fromHost(v, Shape.of(dims));
    }
}
