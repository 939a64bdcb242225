package dev.pmcj.theory.stats;

import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * Tolerances that a statistic exceeds with probability at most {@code alpha} (the false-alarm
 * probability) when the process behaves as the theory says. Each bound is valid for any sample size,
 * not only asymptotically.
 */
public final class Tolerance {
    private Tolerance() {}

    /**
     * Bernstein: the mean of n independent variables with variance at most {@code variance} and
     * |X - mu| <= {@code bound} satisfies P(|mean - mu| >= eps) <= 2 exp(-n eps^2 / (2 variance + 2 bound eps / 3)) = alpha.
     */
    public static double bernstein(double variance, double bound, int n, double alpha) {
        requireAlpha(alpha);
        requireN(n);
        double l = Math.log(2 / alpha);
        return (bound * l / 3 + Math.sqrt(bound * bound * l * l / 9 + 2 * n * variance * l)) / n;
    }

    /** Hoeffding: the mean of n independent variables, each in an interval of this width. */
    public static double hoeffding(double width, int n, double alpha) {
        requireAlpha(alpha);
        requireN(n);
        return width * Math.sqrt(Math.log(2 / alpha) / (2.0 * n));
    }

    /** Chebyshev: the mean of n independent variables with this variance. */
    public static double chebyshev(double variance, int n, double alpha) {
        requireAlpha(alpha);
        requireN(n);
        return Math.sqrt(variance / (n * alpha));
    }

    /** Closed acceptance interval [lo, hi] of a Binomial(trials, p) count; each tail outside it has mass <= alpha/2. */
    public static Interval binomial(int trials, double p, double alpha) {
        requireAlpha(alpha);
        BinomialDistribution b = new BinomialDistribution(null, trials, p);
        return new Interval(b.inverseCumulativeProbability(alpha / 2), b.inverseCumulativeProbability(1 - alpha / 2));
    }

    /** Bonferroni: the per-check level that keeps the family's false-alarm probability at {@code alpha}. */
    public static double perCheck(double alpha, int checks) {
        requireAlpha(alpha);
        if (checks < 1) throw new IllegalArgumentException("number of checks must be >= 1, got " + checks);
        return alpha / checks;
    }

    public record Interval(int lo, int hi) {
        public boolean contains(int x) {
            return lo <= x && x <= hi;
        }
    }

    private static void requireAlpha(double alpha) {
        if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("false-alarm probability must be in (0, 1), got " + alpha);
    }

    private static void requireN(int n) {
        if (n < 1) throw new IllegalArgumentException("sample size must be >= 1, got " + n);
    }
}
