package dev.pmcj.tensor;

import java.util.Random;

/** Small builders for tests on the scalar backend. */
final class TestTensors {
    static final Backend B = Backends.scalar();

    private TestTensors() {
    }

    static Tensor of(float[] data, int... dims) {
        return B.fromHost(data, Shape.of(dims));
    }

    static float[] uniform(Random r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return v;
    }

    static Tensor random(Random r, double lo, double hi, int... dims) {
        return of(uniform(r, Shape.of(dims).size(), lo, hi), dims);
    }

    static Tensor zeros(int... dims) {
        return B.allocate(Shape.of(dims));
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
