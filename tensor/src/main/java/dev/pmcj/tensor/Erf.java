package dev.pmcj.tensor;

/**
 * The error function and its complement in double precision (relative error below 1e-13, erfc included), for exact GELU. Short
 * polynomial fits (Abramowitz-Stegun 7.1.26, about 1e-7 absolute) are too coarse for a reference
 * backend, and {@code 1 - erf} loses every digit of the tiny tail that GELU needs for very negative x.
 */
public final class Erf {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    /** Below this the series (and 1 - series) is accurate; above it the continued fraction converges in 100 terms. */
    private static final double SPLIT = 1.5;
    private static final int FRACTION_TERMS = 100;

    private Erf() {
    }

    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        if (Math.abs(x) < SPLIT) return series(x);
        return Math.copySign(1 - tail(Math.abs(x)), x);
    }

    /** {@code 1 - erf(x)} without cancellation for large x. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        if (x >= SPLIT) return tail(x);
        if (x <= -SPLIT) return 2 - tail(-x);
        return 1 - series(x);
    }

    /** The standard normal CDF, {@code P(Z <= x)}, accurate in its tails. */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** erf(x) = 2/sqrt(pi) e^(-x^2) sum_n (2x^2)^n x / (1*3*...*(2n+1)): all terms share x's sign, no cancellation. */
    private static double series(double x) {
        double term = x, sum = x, x2 = 2 * x * x;
        for (int n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
            term *= x2 / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
    }

    /** erfc(x) for x >= SPLIT: e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up. */
    private static double tail(double x) {
        if (x > 27) return 0; // e^(-x^2) underflows
        double t = x;
        for (int k = FRACTION_TERMS; k >= 1; k--) t = x + (k / 2.0) / t;
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / t;
    }
}
