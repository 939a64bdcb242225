package dev.pmcj.testsupport;

import java.util.Random;

/** Random test inputs. */
public final class RandomArrays {
    private RandomArrays() {
    }

    /** {@code n} standard normal floats from {@code rnd}. */
    public static float[] gaussian(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }
}
