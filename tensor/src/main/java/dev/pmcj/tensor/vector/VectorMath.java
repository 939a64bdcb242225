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

    /**
     * Starts from the first vector, and rows shorter than one go without vectors: a start of
     * broadcast -inf was a heap vector in every JVM at a 16-token prefill's attention rows (JFR: 2.7
     * GB of float[] in 6 s), where most rows are shorter than a vector.
     */
    static float max(float[] x, int xo, int n) {
        float m = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (n >= L) {
            FloatVector acc = FloatVector.fromArray(S, x, xo);
            for (i = L; i <= n - L; i += L) acc = acc.max(FloatVector.fromArray(S, x, xo + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, x[xo + i]);
        return m;
    }

    /**
     * {@code out[i] = exp(scale x[i] - shift)}, returning their sum, for a shift that no scaled x exceeds
     * by more than 88 (softmax's max or log-sum-exp), where {@link LaneMath#expNonPositive} has exp's
     * bits (but 0 for results under 2^-126); out may be x. The last partial vector goes through the
     * same loop on a one-vector pad (its other lanes computed and dropped): attention rows of 1 to 128
     * keys left up to L - 1 scalar {@code Math.exp} calls each, more time than their vectors took,
     * and masks on every vector cost a row of 50,257 logits 8%. Only arrays cross calls: a vector
     * handed to a call that C2 does not inline is boxed (a masked tail in a method of its own: 0.9 MB
     * a training step).
     */
    static float expShifted(float[] x, int xo, float scale, float shift, float[] out, int oo, int n) {
        int full = n - n % L;
        expVectors(x, xo, scale, shift, out, oo, full);
        if (full < n) {
            float[] pad = PAD.get();
            System.arraycopy(x, xo + full, pad, 0, n - full);
            expVectors(pad, 0, scale, shift, pad, 0, L);
            System.arraycopy(pad, 0, out, oo + full, n - full);
        }
        return sum(out, oo, n);
    }

    /**
     * {@link #expShifted}'s values without its sum, over n rounded up to whole vectors: x is read and
     * out written up to there. A caller whose arrays have that room goes without the pad, whose
     * second copy of this loop C2 left out of line past its node cutoff in 5 of 16 demo JVMs
     * (attention's rows: 5-8 GB of boxed vectors each; see docs/performance-log.md).
     */
    static void expVectors(float[] x, int xo, float scale, float shift, float[] out, int oo, int n) {
        for (int i = 0; i < n; i += L) {
            LaneMath.expNonPositive(FloatVector.fromArray(S, x, xo + i).mul(scale).sub(shift)).intoArray(out, oo + i);
        }
    }

    /** This thread's one-vector pad for {@link #expShifted}'s last partial vector. */
    private static final ThreadLocal<float[]> PAD = ThreadLocal.withInitial(() -> new float[L]);

    /**
     * One attention row's softmax in place over its {@code n} visible keys ({@code n > 0}): {@code x[i]
     * = exp(scale x[i] - max) / sum}, max and sum over the scaled row; returns the row's log-sum-exp.
     * The row has room for n rounded up to whole vectors, which are overwritten ({@link #expVectors}).
     */
    static float softmaxScaled(float[] x, int xo, float scale, int n) {
        float max = max(x, xo, n) * scale; // scaling by a positive number keeps the order
        expVectors(x, xo, scale, max, x, xo, n);
        float sum = sum(x, xo, n);
        scale(1f / sum, x, xo, n);
        return max + (float) Math.log(sum);
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
     * storing {@code o} at every row. Each register loop is a method of its own, which takes arrays: with
     * both in one method, C2 sometimes (after an on-stack replacement) kept the four sums boxed, 64 MB of
     * garbage a small training step.
     */
    static void columnSums(float[] x, int xo, int period, int rows, float[] o, int oo, int lo, int hi, boolean accumulate) {
        int j = lo;
        for (; j + 4 * L <= hi; j += 4 * L) columnSums4(x, xo + j, period, rows, o, oo + j, accumulate);
        for (; j + L <= hi; j += L) columnSums1(x, xo + j, period, rows, o, oo + j, accumulate);
        for (; j < hi; j++) {
            float sum = accumulate ? o[oo + j] : x[xo + j];
            for (int r = accumulate ? 0 : 1; r < rows; r++) sum += x[xo + r * period + j];
            o[oo + j] = sum;
        }
    }

    /** {@link #columnSums} of the 4 L columns at {@code xo}, into {@code o} at {@code oo}. */
    private static void columnSums4(float[] x, int xo, int period, int rows, float[] o, int oo, boolean accumulate) {
        float[] start = accumulate ? o : x; // each sum starts from o's value, or from row 0 of x
        int so = accumulate ? oo : xo;
        FloatVector s0 = FloatVector.fromArray(S, start, so), s1 = FloatVector.fromArray(S, start, so + L);
        FloatVector s2 = FloatVector.fromArray(S, start, so + 2 * L), s3 = FloatVector.fromArray(S, start, so + 3 * L);
        for (int r = accumulate ? 0 : 1; r < rows; r++) {
            int xi = xo + r * period;
            s0 = s0.add(FloatVector.fromArray(S, x, xi));
            s1 = s1.add(FloatVector.fromArray(S, x, xi + L));
            s2 = s2.add(FloatVector.fromArray(S, x, xi + 2 * L));
            s3 = s3.add(FloatVector.fromArray(S, x, xi + 3 * L));
        }
        s0.intoArray(o, oo);
        s1.intoArray(o, oo + L);
        s2.intoArray(o, oo + 2 * L);
        s3.intoArray(o, oo + 3 * L);
    }

    /**
     * {@link #columnSums} of the L columns at {@code xo}, into {@code o} at {@code oo}, in scalar code
     * that C2 vectorises itself: as a Vector API loop this method, called a few times a step with a
     * loop over every row, ran in C1's code and on-stack replacement in 3 of 5 JVMs of a 2 x 128
     * training step, each vector on the heap (JFR: 3.6 GB in 6 s; 2 MB a step). The same sums in
     * the same order.
     */
    private static void columnSums1(float[] x, int xo, int period, int rows, float[] o, int oo, boolean accumulate) {
        if (!accumulate) System.arraycopy(x, xo, o, oo, L);
        for (int r = accumulate ? 0 : 1; r < rows; r++) {
            int xi = xo + r * period;
            for (int j = 0; j < L; j++) o[oo + j] += x[xi + j];
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
        return expShifted(x, xo, 1f, shift, scratch(n), 0, n);
    }
}
