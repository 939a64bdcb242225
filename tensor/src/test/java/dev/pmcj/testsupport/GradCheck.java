package dev.pmcj.testsupport;

import org.junit.jupiter.api.Assertions;

import java.util.function.ToDoubleFunction;

/**
 * Central finite differences for checking analytic gradients of float32 code.
 *
 * <p>Reduce the function under test to a scalar with fixed random weights, {@code L(x) = sum w * f(x)}
 * ({@link #weightedSum}), so one analytic backward with {@code dy = w} gives the whole gradient.
 * With float32 forwards, {@code h ~ 1e-3} balances rounding (about {@code 1e-7 |L| / h}) against the
 * truncation error ({@code h^2 L'''}); {@link #assertClose} therefore compares against the gradient's
 * own scale rather than element by element.
 */
public final class GradCheck {
    /** A step that suits inputs of order 1 in float32. */
    public static final double DEFAULT_STEP = 1e-3;

    private GradCheck() {
    }

    /**
     * {@code dL/dx_i ~ (L(x + h e_i) - L(x - h e_i)) / (x_i^+ - x_i^-)}, where the divisor is the
     * actually representable float step. {@code f} sees a perturbed copy; {@code x} is not modified.
     */
    public static double[] centralDifferences(ToDoubleFunction<float[]> f, float[] x, double h) {
        float[] probe = x.clone();
        double[] grad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float plus = (float) (x[i] + h), minus = (float) (x[i] - h);
            probe[i] = plus;
            double up = f.applyAsDouble(probe);
            probe[i] = minus;
            double down = f.applyAsDouble(probe);
            probe[i] = x[i];
            grad[i] = (up - down) / ((double) plus - minus);
        }
        return grad;
    }

    /** {@code sum_i w_i y_i} in double: the scalar whose gradient with respect to y is w. */
    public static double weightedSum(float[] y, float[] w) {
        if (y.length != w.length) throw new IllegalArgumentException("weightedSum: " + y.length + " values, " + w.length + " weights");
        double s = 0;
        for (int i = 0; i < y.length; i++) s += (double) y[i] * w[i];
        return s;
    }

    /**
     * Every {@code |numeric_i - analytic_i| <= relTol * scale + absTol}, with scale the largest
     * magnitude in either gradient. Fails naming {@code what}, the first bad index and both values (NaN fails).
     */
    public static void assertClose(String what, double[] numeric, float[] analytic, double relTol, double absTol) {
        Assertions.assertEquals(numeric.length, analytic.length, what + ": gradient lengths");
        double scale = 0;
        for (int i = 0; i < numeric.length; i++) scale = Math.max(scale, Math.max(Math.abs(numeric[i]), Math.abs(analytic[i])));
        double tol = relTol * scale + absTol;
        for (int i = 0; i < numeric.length; i++) {
            double err = Math.abs(numeric[i] - analytic[i]);
            if (!(err <= tol)) {
                Assertions.fail(what + ": gradient[" + i + "] finite differences " + numeric[i] + " vs analytic "
                        + analytic[i] + " (error " + err + " > tolerance " + tol + ", scale " + scale + ")");
            }
        }
    }

    /** {@link #assertClose} with the tolerances that suit {@link #DEFAULT_STEP} on float32 kernels. */
    public static void assertClose(String what, double[] numeric, float[] analytic) {
        assertClose(what, numeric, analytic, 1e-2, 1e-3);
    }
}
