package dev.pmcj.tensor.vector;

import jdk.incubator.vector.FloatVector;

/**
 * Softmax weights of host logits in float, vectorised, for callers that check their answer against
 * these error bounds and fall back to exact arithmetic near a decision (the sampler's top-p and its
 * draws): {@code out[i] = e^a} for {@code a = (x[i] - max) / T}, within {@link #NEAR_RELATIVE_ERROR}
 * of the exact value for a down to {@link #NEAR}, within {@link #RELATIVE_ERROR} down to -87, and
 * within {@link #ABSOLUTE_ERROR} below.
 */
public final class RoughSoftmax {
    /**
     * The argument {@code (x - max) * fl(1/T)} takes three float roundings, at most {@code |a| 1.8e-7}
     * off, which moves the result by as much of itself; {@link LaneMath#expNonPositive} adds 1.5 ulp
     * ({@code LaneMathTest}). Down to a = -20 that is 3.8e-6 (2.4e-6 seen), down to -87 1.6e-5.
     */
    public static final double NEAR_RELATIVE_ERROR = 4e-6, RELATIVE_ERROR = 1.6e-5;
    /** The argument down to which {@link #NEAR_RELATIVE_ERROR} holds. */
    public static final double NEAR = -20;
    /** Below e^-87 the results are subnormal floats or zero: at most this far from the exact ones. */
    public static final double ABSOLUTE_ERROR = 1.7e-38;

    private RoughSoftmax() {
    }

    /**
     * Writes the weights of {@code x[0..n)} at temperature {@code t} (shifted by their largest value,
     * which must be finite) into {@code out}; returns their sum, added in double.
     */
    public static double weights(float[] x, int n, float max, float t, float[] out) {
        float inv = 1 / t;
        FloatVector shift = FloatVector.broadcast(VectorMath.S, max), scale = FloatVector.broadcast(VectorMath.S, inv);
        int i = 0;
        for (int end = n - VectorMath.L; i <= end; i += VectorMath.L) {
            LaneMath.expNonPositive(FloatVector.fromArray(VectorMath.S, x, i).sub(shift).mul(scale)).intoArray(out, i);
        }
        for (; i < n; i++) out[i] = (float) Math.exp((x[i] - max) * inv);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0; // four chains: one waits out each add's latency
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            s0 += out[j];
            s1 += out[j + 1];
            s2 += out[j + 2];
            s3 += out[j + 3];
        }
        for (; j < n; j++) s0 += out[j];
        return (s0 + s1) + (s2 + s3);
    }
}
