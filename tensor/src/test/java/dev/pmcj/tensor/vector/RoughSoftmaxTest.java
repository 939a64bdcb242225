package dev.pmcj.tensor.vector;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rough weights hold the error bound that the sampler's fast paths rely on. */
class RoughSoftmaxTest {
    @Property(tries = 300)
    void weightsAreWithinTheStatedBound(@ForAll @IntRange(min = 1, max = 700) int n, @ForAll @FloatRange(min = 0.5f, max = 60f) float spread,
                                        @ForAll @FloatRange(min = 0.05f, max = 4f) float temperature, @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n], out = new float[n];
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((rnd.nextDouble() - 0.5) * spread + rnd.nextGaussian());
            max = Math.max(max, x[i]);
        }
        double sum = RoughSoftmax.weights(x, n, max, temperature, out), exactSum = 0;
        for (int i = 0; i < n; i++) {
            double a = (x[i] - (double) max) / temperature, exact = Math.exp(a);
            exactSum += exact;
            double err = Math.abs(out[i] - exact);
            double relative = a >= RoughSoftmax.NEAR ? RoughSoftmax.NEAR_RELATIVE_ERROR : RoughSoftmax.RELATIVE_ERROR;
            assertTrue(err <= relative * exact + RoughSoftmax.ABSOLUTE_ERROR,
                    "weight " + i + ": " + out[i] + " against " + exact + " (argument " + a + ")");
        }
        assertEquals(exactSum, sum, exactSum * (RoughSoftmax.RELATIVE_ERROR + 1e-12) + n * RoughSoftmax.ABSOLUTE_ERROR);
    }

    /** Arguments at the edges: the largest weight is 1, and far below the largest they go to zero. */
    @Property(tries = 100)
    void edges(@ForAll @FloatRange(min = -1e4f, max = 1e4f) float top) {
        float[] x = {top, top - 80f, top - 90f, top - 200f, top, Math.nextDown(top)}, out = new float[x.length];
        RoughSoftmax.weights(x, x.length, top, 1f, out);
        assertEquals(1f, out[0]);
        assertEquals(1f, out[4]);
        assertTrue(out[3] <= RoughSoftmax.ABSOLUTE_ERROR && out[2] <= RoughSoftmax.ABSOLUTE_ERROR);
        assertEquals(Math.exp(-80), out[1], Math.exp(-80) * RoughSoftmax.RELATIVE_ERROR + RoughSoftmax.ABSOLUTE_ERROR);
    }
}
