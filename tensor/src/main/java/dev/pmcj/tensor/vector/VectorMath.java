package dev.pmcj.tensor.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vectorised loops over float ranges shared by the kernels; each handles its scalar tail. */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private VectorMath() {
    }

    static float dot(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0;
        for (int end = n - 2 * L; i <= end; i += 2 * L) {
            acc0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), acc0);
            acc1 = FloatVector.fromArray(S, x, xo + i + L).fma(FloatVector.fromArray(S, y, yo + i + L), acc1);
        }
        for (int end = n - L; i <= end; i += L) {
            acc0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), acc0);
        }
        float s = LaneMath.sum(acc0.add(acc1));
        for (; i < n; i++) s += x[xo + i] * y[yo + i];
        return s;
    }

    /** {@code y += alpha * x}. */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            va.fma(FloatVector.fromArray(S, x, xo + i), FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    /** {@code y = alpha * y}. */
    static void scale(float alpha, float[] y, int yo, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector.fromArray(S, y, yo + i).mul(alpha).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] *= alpha;
    }

    static float sum(float[] x, int xo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int end = n - L; i <= end; i += L) acc = acc.add(FloatVector.fromArray(S, x, xo + i));
        float s = LaneMath.sum(acc);
        for (; i < n; i++) s += x[xo + i];
        return s;
    }

    static float sumOfSquares(float[] x, int xo, int n) {
        return dot(x, xo, x, xo, n);
    }

    static float max(float[] x, int xo, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int end = n - L; i <= end; i += L) acc = acc.max(FloatVector.fromArray(S, x, xo + i));
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, x[xo + i]);
        return m;
    }

    /**
     * {@code out[i] = exp(x[i] - shift)}, returning their sum, for a shift that no x exceeds by more
     * than 88 (softmax's max or log-sum-exp), where {@link LaneMath#expNonPositive} has exp's bits.
     * The sum is a second pass over out, a call that takes arrays: where C2 stops inlining after the
     * exponentials, no vector is boxed.
     */
    static float expShifted(float[] x, int xo, float shift, float[] out, int oo, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            LaneMath.expNonPositive(FloatVector.fromArray(S, x, xo + i).sub(shift)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = (float) Math.exp(x[xo + i] - shift);
        return sum(out, oo, n);
    }

    /**
     * One attention row's softmax in place over its {@code n} visible keys ({@code n > 0}): {@code x[i]
     * = exp(scale x[i] - max) / sum}, max and sum over the scaled row; returns the row's log-sum-exp.
     * The exponentials take their last partial vector masked: rows of 1 to 128 keys left up to L - 1
     * scalar {@code Math.exp} calls each, more time than their vectors took. One small loop a method,
     * as {@link #expShifted} is: a method with several loops around exp's call got it compiled apart,
     * and then every vector passed to it was boxed (1.9 MB a training step).
     */
    static float softmaxScaled(float[] x, int xo, float scale, int n) {
        float max = max(x, xo, n) * scale; // scaling by a positive number keeps the order
        float sum = expScaledShifted(x, xo, scale, max, n);
        scale(1f / sum, x, xo, n);
        return max + (float) Math.log(sum);
    }

    /** {@code x[i] = exp(scale x[i] - shift)} in place, returning their sum; the last partial vector masked. */
    private static float expScaledShifted(float[] x, int xo, float scale, float shift, int n) {
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = LaneMath.expNonPositive(FloatVector.fromArray(S, x, xo + i, m).mul(scale).sub(shift));
            e.intoArray(x, xo + i, m);
            sum = sum.add(e, m);
        }
        return LaneMath.sum(sum);
    }

    /**
     * One row of attention's backward over its {@code n} visible keys, from the scores {@code p} and
     * dO V^T in {@code dp}: {@code p[i] = exp(scale p[i] - lse)} (the forward's probabilities again),
     * then {@code dp[i] = (dp[i] - rowDot) scale p[i]} (dS); the last partial vector masked.
     */
    static void softmaxBackward(float[] p, float[] dp, int o, float scale, float lse, float rowDot, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = LaneMath.expNonPositive(FloatVector.fromArray(S, p, o + i, m).mul(scale).sub(lse));
            e.intoArray(p, o + i, m);
            FloatVector.fromArray(S, dp, o + i, m).sub(rowDot).mul(scale).mul(e).intoArray(dp, o + i, m);
        }
    }

    /**
     * Columns {@code [lo, hi)} of {@code x}'s {@code rows} rows summed into {@code o} (added to it, or
     * starting from row 0), four vectors of columns at a time in registers (then one), row after row: each
     * column's sum runs in row order, as a row-by-row axpy into {@code o} would, without loading and
     * storing {@code o} at every row.
     */
    static void columnSums(float[] x, int xo, int period, int rows, float[] o, int oo, int lo, int hi, boolean accumulate) {
        // Each sum starts from o's value, or from row 0 of x.
        float[] start = accumulate ? o : x;
        int so = accumulate ? oo : xo, from = accumulate ? 0 : 1, j = lo;
        for (; j + 4 * L <= hi; j += 4 * L) {
            FloatVector s0 = FloatVector.fromArray(S, start, so + j), s1 = FloatVector.fromArray(S, start, so + j + L);
            FloatVector s2 = FloatVector.fromArray(S, start, so + j + 2 * L), s3 = FloatVector.fromArray(S, start, so + j + 3 * L);
            for (int r = from; r < rows; r++) {
                int xi = xo + r * period + j;
                s0 = s0.add(FloatVector.fromArray(S, x, xi));
                s1 = s1.add(FloatVector.fromArray(S, x, xi + L));
                s2 = s2.add(FloatVector.fromArray(S, x, xi + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, x, xi + 3 * L));
            }
            s0.intoArray(o, oo + j);
            s1.intoArray(o, oo + j + L);
            s2.intoArray(o, oo + j + 2 * L);
            s3.intoArray(o, oo + j + 3 * L);
        }
        for (; j + L <= hi; j += L) {
            FloatVector s0 = FloatVector.fromArray(S, start, so + j);
            for (int r = from; r < rows; r++) s0 = s0.add(FloatVector.fromArray(S, x, xo + r * period + j));
            s0.intoArray(o, oo + j);
        }
        for (; j < hi; j++) {
            float sum = start[so + j];
            for (int r = from; r < rows; r++) sum += x[xo + r * period + j];
            o[oo + j] = sum;
        }
    }

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][]{new float[0]});

    /** This thread's scratch row of at least n floats, for a row kernel's intermediate results (not nested). */
    static float[] scratch(int n) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < n) holder[0] = new float[n];
        return holder[0];
    }

    /** {@code sum(exp(x[i] - shift))}: {@link #expShifted} into the scratch row. */
    static float sumExpShifted(float[] x, int xo, float shift, int n) {
        return expShifted(x, xo, shift, scratch(n), 0, n);
    }
}
