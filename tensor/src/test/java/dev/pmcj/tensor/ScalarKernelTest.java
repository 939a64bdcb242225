package dev.pmcj.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static dev.pmcj.tensor.TestTensors.B;
import static dev.pmcj.tensor.TestTensors.of;
import static dev.pmcj.tensor.TestTensors.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scalar backend kernels on small cases worked out by hand or by a second, naive formula. */
class ScalarKernelTest {

    @Test
    void matmulByHandWithAccumulate() {
        Tensor a = of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3), b = of(new float[]{7, 8, 9, 10, 11, 12}, 3, 2);
        Tensor c = zeros(2, 2);
        B.matmul(a, false, b, false, c, false);
        assertArrayEquals(new float[]{58, 64, 139, 154}, c.toHost());
        B.matmul(a, false, b, false, c, true);
        assertArrayEquals(new float[]{116, 128, 278, 308}, c.toHost());
    }

    @Test
    void batchedMatmulWithSharedB() {
        // Batch 0 is the identity, batch 1 doubles: c[i] = a[i] @ b with one 2-D b.
        Tensor a = of(new float[]{1, 0, 0, 1, 2, 0, 0, 2}, 2, 2, 2), b = of(new float[]{1, 2, 3, 4}, 2, 2);
        Tensor c = zeros(2, 2, 2);
        B.matmul(a, false, b, false, c, false);
        assertArrayEquals(new float[]{1, 2, 3, 4, 2, 4, 6, 8}, c.toHost());
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1,0.8413447460685429", "-1,-0.15865525393145707", "3,2.99595030590511",
            "-6,-5.919525870226207e-09"})
    void geluExactMatchesXTimesNormalCdf(float x, double expected) {
        Tensor y = zeros(1);
        B.unary(UnaryOp.GELU, of(new float[]{x}, 1), y);
        assertEquals(expected, y.item(), Math.abs(expected) * 1e-6 + 1e-30);
    }

    @Test
    void unaryValuesByHand() {
        float[] x = {-2, 0.5f, 30};
        assertUnary(UnaryOp.NEG, x, 2, -0.5f, -30);
        assertUnary(UnaryOp.RELU, x, 0, 0.5f, 30);
        assertUnary(UnaryOp.ABS, x, 2, 0.5f, 30);
        assertUnary(UnaryOp.SQUARE, x, 4, 0.25f, 900);
        assertUnary(UnaryOp.SIGMOID, x, (float) (1 / (1 + Math.exp(2))), (float) (1 / (1 + Math.exp(-0.5))), 1);
        assertUnary(UnaryOp.SILU, x, (float) (-2 / (1 + Math.exp(2))), (float) (0.5 / (1 + Math.exp(-0.5))), 30);
        // Softplus stays finite and exact at both ends: log(1 + e^30) rounds to 30 in float.
        assertUnary(UnaryOp.SOFTPLUS, x, (float) Math.log1p(Math.exp(-2)), (float) Math.log1p(Math.exp(0.5)), 30);
        float c = (float) Math.sqrt(2 / Math.PI);
        assertUnary(UnaryOp.GELU_TANH, new float[]{1}, (float) (0.5 * (1 + Math.tanh(c * 1.044715))));
        assertUnary(UnaryOp.SQRT, new float[]{4, 0.25f}, 2, 0.5f);
        assertUnary(UnaryOp.RECIPROCAL, new float[]{4, -0.5f}, 0.25f, -2);
        assertUnary(UnaryOp.LOG, new float[]{1, (float) Math.E}, 0, 1);
        assertUnary(UnaryOp.EXP, new float[]{0, 1}, 1, (float) Math.E);
        assertUnary(UnaryOp.TANH, new float[]{0, 100}, 0, 1);
    }

    private static void assertUnary(UnaryOp op, float[] x, float... expected) {
        Tensor y = zeros(x.length);
        B.unary(op, of(x, x.length), y);
        assertArrayEquals(expected, y.toHost(), 1e-6f, op.name());
    }

    @Test
    void binaryBroadcastsBothOperands() {
        // a [2, 1] + b [3] -> [2, 3]; a - b, max, eq
        Tensor a = of(new float[]{10, 20}, 2, 1), b = of(new float[]{1, 2, 20}, 3), out = zeros(2, 3);
        B.binary(BinaryOp.ADD, a, b, out);
        assertArrayEquals(new float[]{11, 12, 30, 21, 22, 40}, out.toHost());
        B.binary(BinaryOp.SUB, a, b, out);
        assertArrayEquals(new float[]{9, 8, -10, 19, 18, 0}, out.toHost());
        B.binary(BinaryOp.MIN, a, b, out);
        assertArrayEquals(new float[]{1, 2, 10, 1, 2, 20}, out.toHost());
        B.binary(BinaryOp.EQ, a, b, out);
        assertArrayEquals(new float[]{0, 0, 0, 0, 0, 1}, out.toHost());
        B.binary(BinaryOp.DIV, a, b, out);
        assertArrayEquals(new float[]{10, 5, 0.5f, 20, 10, 1}, out.toHost());
    }

    @Test
    void binaryMayWriteIntoItsFirstOperand() {
        Tensor a = of(new float[]{1, 2, 3, 4}, 2, 2);
        B.binary(BinaryOp.MUL, a, of(new float[]{10, 100}, 2), a);
        assertArrayEquals(new float[]{10, 200, 30, 400}, a.toHost());
    }

    @Test
    void affineAndFillAndSumOfSquares() {
        Tensor x = of(new float[]{1, -2, 3}, 3), out = zeros(1);
        B.affine(x, 2, 1, x);
        assertArrayEquals(new float[]{3, -3, 7}, x.toHost());
        B.sumOfSquares(x, out);
        assertEquals(67, out.item());
        B.fill(x, 0.25f);
        assertArrayEquals(new float[]{0.25f, 0.25f, 0.25f}, x.toHost());
    }

    @Test
    void reduceEachAxis() {
        Tensor x = of(new float[]{1, 5, 3, 4, 2, 6}, 2, 3);
        Tensor rows = zeros(2, 1), cols = zeros(1, 3);
        B.reduce(ReduceOp.SUM, x, 1, rows);
        assertArrayEquals(new float[]{9, 12}, rows.toHost());
        B.reduce(ReduceOp.MAX, x, -1, rows);
        assertArrayEquals(new float[]{5, 6}, rows.toHost());
        B.reduce(ReduceOp.MEAN, x, 0, cols);
        assertArrayEquals(new float[]{2.5f, 3.5f, 4.5f}, cols.toHost());
    }

    @Test
    void sumToFoldsBroadcastAxesAndAccumulates() {
        Tensor x = of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor col = of(new float[]{100, 200}, 2, 1), row = zeros(3), all = zeros(1, 1);
        B.sumTo(x, col, true);
        assertArrayEquals(new float[]{106, 215}, col.toHost());
        B.sumTo(x, row, false);
        assertArrayEquals(new float[]{5, 7, 9}, row.toHost());
        B.sumTo(x, all, false);
        assertEquals(21, all.item());
    }

    @Test
    void softmaxAndLogSoftmaxByHand() {
        Tensor x = of(new float[]{1, 2, 3, 1000, 1000, 1000}, 2, 3), y = zeros(2, 3), ly = zeros(2, 3);
        B.softmax(x, y);
        B.logSoftmax(x, ly);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        float third = 1f / 3;
        assertArrayEquals(new float[]{(float) (Math.exp(1) / z), (float) (Math.exp(2) / z), (float) (Math.exp(3) / z),
                third, third, third}, y.toHost(), 1e-7f);
        float l3 = (float) -Math.log(3);
        assertArrayEquals(new float[]{(float) (1 - Math.log(z)), (float) (2 - Math.log(z)), (float) (3 - Math.log(z)),
                l3, l3, l3}, ly.toHost(), 1e-6f);
    }

    @Test
    void layerNormByMeanAndVariance() {
        // x = [1, 2, 3]: mean 2, biased variance 2/3.
        Tensor out = zeros(1, 3), mean = zeros(1), rstd = zeros(1);
        B.layerNorm(of(new float[]{1, 2, 3}, 1, 3), of(new float[]{1, 2, 1}, 3), of(new float[]{0, 0, 5}, 3), 0f,
                out, mean, rstd);
        float r = (float) Math.sqrt(1.5);
        assertArrayEquals(new float[]{-r, 0, r + 5}, out.toHost(), 1e-6f);
        assertEquals(2, mean.item());
        assertEquals(r, rstd.item(), 1e-6f);
        B.layerNorm(of(new float[]{1, 2, 3}, 1, 3), of(new float[]{1, 1, 1}, 3), null, 1f, out, mean, rstd);
        assertEquals(1 / Math.sqrt(2.0 / 3 + 1), rstd.item(), 1e-6);
    }

    @Test
    void rmsNormByHand() {
        Tensor out = zeros(1, 2), rstd = zeros(1);
        B.rmsNorm(of(new float[]{3, 4}, 1, 2), of(new float[]{1, 2}, 2), 0f, out, rstd);
        double r = 1 / Math.sqrt(12.5);
        assertArrayEquals(new float[]{(float) (3 * r), (float) (8 * r)}, out.toHost(), 1e-6f);
        assertEquals(r, rstd.item(), 1e-7);
    }

    @Test
    void ropeRotatesInterleavedPairsByPositionTimesFrequency() {
        // D = 4, theta = 100: pair 0 turns by pos, pair 1 by pos / 10. Position 2 on row 1.
        Tensor x = of(new float[]{1, 0, 1, 0, 0, 1, 0, 1}, 2, 1, 4), out = zeros(2, 1, 4);
        B.rope(x, new int[]{0, 2}, 100f, out);
        float c2 = (float) Math.cos(2), s2 = (float) Math.sin(2), c02 = (float) Math.cos(0.2), s02 = (float) Math.sin(0.2);
        assertArrayEquals(new float[]{1, 0, 1, 0, -s2, c2, -s02, c02}, out.toHost(), 1e-6f);
    }

    @Test
    void ropeBackwardUndoesRope() {
        Random r = new Random(7);
        Tensor x = TestTensors.random(r, -1, 1, 3, 2, 6), y = zeros(3, 2, 6), back = zeros(3, 2, 6);
        int[] pos = {5, 0, 17};
        B.rope(x, pos, 10000f, y);
        B.ropeBackward(y, pos, 10000f, back);
        assertArrayEquals(x.toHost(), back.toHost(), 1e-6f);
    }

    /** Attention against per-head softmax(mask(Q K^T / sqrt(D))) V built from other kernels. */
    @Test
    void attentionMatchesExplicitSoftmaxPerHead() {
        Random r = new Random(3);
        int b = 2, t = 3, h = 4, kv = 2, d = 4, s = 5;
        Tensor q = TestTensors.random(r, -1, 1, b, t, h, d), k = TestTensors.random(r, -1, 1, b, s, kv, d);
        Tensor v = TestTensors.random(r, -1, 1, b, s, kv, d), out = zeros(b, t, h, d), lse = zeros(b, h, t);
        int[] qPos = {2, 3, 4, 0, 1, 4}; // stream 0 continues a cache, stream 1 starts fresh
        B.attention(q, k, v, qPos, out, lse);
        float[] outH = out.toHost(), lseH = lse.toHost();
        for (int bi = 0; bi < b; bi++) {
            for (int hi = 0; hi < h; hi++) {
                int g = hi / (h / kv);
                Tensor qh = q.slice(0, bi, bi + 1).slice(2, hi, hi + 1).reshape(t, d);
                Tensor kh = k.slice(0, bi, bi + 1).slice(2, g, g + 1).reshape(s, d);
                Tensor vh = v.slice(0, bi, bi + 1).slice(2, g, g + 1).reshape(s, d);
                Tensor scores = zeros(t, s);
                B.matmul(qh, false, kh, true, scores, false);
                B.affine(scores, (float) (1 / Math.sqrt(d)), 0, scores);
                float[] masked = scores.toHost();
                for (int ti = 0; ti < t; ti++) {
                    double sum = 0;
                    for (int j = 0; j < s; j++) {
                        if (j > qPos[bi * t + ti]) masked[ti * s + j] = Float.NEGATIVE_INFINITY;
                        else sum += Math.exp(masked[ti * s + j]);
                    }
                    assertEquals(Math.log(sum), lseH[(bi * h + hi) * t + ti], 1e-5, "lse");
                }
                Tensor p = zeros(t, s), expected = zeros(t, d);
                B.softmax(of(masked, t, s), p);
                B.matmul(p, false, vh, false, expected, false);
                float[] e = expected.toHost();
                for (int ti = 0; ti < t; ti++) {
                    for (int di = 0; di < d; di++) {
                        assertEquals(e[ti * d + di], outH[((bi * t + ti) * h + hi) * d + di], 1e-6, "out");
                    }
                }
            }
        }
    }

    @Test
    void embeddingGathersAndBackwardSumsRepeats() {
        Tensor table = of(new float[]{1, 2, 3, 4, 5, 6}, 3, 2), out = zeros(3, 2);
        B.embedding(table, new int[]{2, 0, 2}, out);
        assertArrayEquals(new float[]{5, 6, 1, 2, 5, 6}, out.toHost());
        Tensor dtable = zeros(3, 2);
        B.embeddingBackward(of(new float[]{1, 1, 2, 2, 10, 10}, 3, 2), new int[]{2, 0, 2}, dtable);
        assertArrayEquals(new float[]{2, 2, 0, 0, 11, 11}, dtable.toHost());
    }

    @Test
    void scatterRowsWritesEachRowWhereToldAndLeavesTheRest() {
        Tensor dst = of(new float[]{1, 2, 3, 4, 5, 6, 7, 8}, 4, 2);
        B.scatterRows(of(new float[]{10, 20, 30, 40}, 2, 2), new int[]{1, 3}, dst);
        assertArrayEquals(new float[]{1, 2, 10, 20, 5, 6, 30, 40}, dst.toHost());
        var repeated = assertThrows(IllegalArgumentException.class,
                () -> B.scatterRows(of(new float[]{10, 20, 30, 40}, 2, 2), new int[]{2, 2}, dst));
        assertTrue(repeated.getMessage().contains("rows must increase strictly"), repeated.getMessage());
    }

    @Test
    void crossEntropyIsMinusLogSoftmaxWithSmoothingAndIgnoredRows() {
        float[] logits = {1, 2, 3, 0, 0, 0, 5, 5, 5};
        Tensor losses = zeros(3), lt = of(logits, 3, 3);
        double z = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        B.crossEntropy(lt, new int[]{0, 1, -100}, 0f, losses);
        assertArrayEquals(new float[]{(float) (z - 1), (float) Math.log(3), 0}, losses.toHost(), 1e-6f);
        // Smoothing 0.3 over V = 3: target weights 0.8 on the label and 0.1 on the others.
        B.crossEntropy(lt, new int[]{0, 1, -1}, 0.3f, losses);
        double smoothed = 0.8 * (z - 1) + 0.1 * (z - 2) + 0.1 * (z - 3);
        assertArrayEquals(new float[]{(float) smoothed, (float) Math.log(3), 0}, losses.toHost(), 1e-6f);
        Tensor dl = zeros(3, 3);
        B.crossEntropyBackward(lt, new int[]{0, 1, -1}, 0f, of(new float[]{1, 2, 7}, 3), dl);
        float third = 1f / 3;
        float[] d = dl.toHost();
        assertArrayEquals(new float[]{(float) (Math.exp(1 - z) - 1), (float) Math.exp(2 - z), (float) Math.exp(3 - z),
                2 * third, 2 * (third - 1), 2 * third, 0, 0, 0}, d, 1e-6f);
    }

    /** PyTorch's AdamW step written as torch.optim.AdamW does it (single tensor, no amsgrad). */
    @Test
    void adamWMatchesPyTorchFormulaOverSteps() {
        Random r = new Random(11);
        int n = 17;
        float lr = 1e-2f, b1 = 0.9f, b2 = 0.95f, eps = 1e-8f, wd = 0.1f;
        float[] p0 = TestTensors.uniform(r, n, -1, 1);
        Tensor param = of(p0, n), m = zeros(n), v = zeros(n);
        double[] p = TestTensors.toDouble(p0), em = new double[n], ev = new double[n];
        for (int step = 1; step <= 3; step++) {
            float[] g = TestTensors.uniform(r, n, -1, 1);
            B.adamW(param, of(g, n), m, v, new AdamWParams(lr, b1, b2, eps, wd, step));
            double bc1 = 1 - Math.pow(b1, step), bc2 = 1 - Math.pow(b2, step);
            for (int i = 0; i < n; i++) {
                p[i] *= 1 - lr * wd;                                   // param.mul_(1 - lr * wd)
                em[i] += (g[i] - em[i]) * (1 - b1);                    // exp_avg.lerp_(grad, 1 - beta1)
                ev[i] = ev[i] * b2 + (1 - b2) * g[i] * g[i];           // exp_avg_sq.mul_(b2).addcmul_(g, g, 1 - b2)
                double denom = Math.sqrt(ev[i]) / Math.sqrt(bc2) + eps; // (exp_avg_sq.sqrt() / sqrt(bc2)).add_(eps)
                p[i] -= lr / bc1 * em[i] / denom;                      // param.addcdiv_(exp_avg, denom, -lr / bc1)
            }
            float[] got = param.toHost(), gm = m.toHost(), gv = v.toHost();
            for (int i = 0; i < n; i++) {
                assertEquals(p[i], got[i], 1e-6, "param");
                assertEquals(em[i], gm[i], 1e-6, "m");
                assertEquals(ev[i], gv[i], 1e-7, "v");
            }
        }
    }

    @Test
    void adamWFirstStepMovesEachWeightByLrAgainstTheGradientSign() {
        Tensor param = of(new float[]{1, 1}, 2), m = zeros(2), v = zeros(2);
        B.adamW(param, of(new float[]{0.3f, -2}, 2), m, v, new AdamWParams(0.1f, 0.9f, 0.999f, 0f, 0.5f, 1));
        // decay 1 -> 0.95, then the bias-corrected step is lr * g / |g|.
        assertArrayEquals(new float[]{0.85f, 1.05f}, param.toHost(), 1e-6f);
    }

    @Test
    void sgdWithMomentumAndDecoupledDecayByHand() {
        Tensor param = of(new float[]{1}, 1), velocity = of(new float[]{0.2f}, 1);
        B.sgd(param, of(new float[]{0.5f}, 1), velocity, 0.1f, 0.9f, 0.01f);
        assertEquals(0.68f, velocity.item(), 1e-7f);   // 0.9 * 0.2 + 0.5
        assertEquals(0.931f, param.item(), 1e-7f);     // 1 - 0.1 * (0.68 + 0.01 * 1)
    }
}
