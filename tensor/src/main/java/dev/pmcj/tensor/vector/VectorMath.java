package dev.pmcj.tensor.vector;

import jdk.incubator.vector.FloatVector;
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
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
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
        float s = acc.reduceLanes(VectorOperators.ADD);
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

    /** {@code out[i] = exp(x[i] - shift)}, returning their sum. */
    static float expShifted(float[] x, int xo, float shift, float[] out, int oo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector e = FloatVector.fromArray(S, x, xo + i).sub(shift).lanewise(VectorOperators.EXP);
            e.intoArray(out, oo + i);
            acc = acc.add(e);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[xo + i] - shift);
            out[oo + i] = e;
            s += e;
        }
        return s;
    }

    /** {@code sum(exp(x[i] - shift))} without storing the terms. */
    static float sumExpShifted(float[] x, int xo, float shift, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, xo + i).sub(shift).lanewise(VectorOperators.EXP));
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += (float) Math.exp(x[xo + i] - shift);
        return s;
    }
}
