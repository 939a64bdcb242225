package dev.pmcj.theory.report;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/** Per-round summaries of a [run][round] matrix. */
final class Quantiles {
    private Quantiles() {}

    /** Column {@code round} of the matrix. */
    static double[] column(double[][] byRun, int round) {
        double[] c = new double[byRun.length];
        for (int r = 0; r < byRun.length; r++) c[r] = byRun[r][round];
        return c;
    }

    static double mean(double[] values) {
        double s = 0;
        for (double v : values) s += v;
        return s / values.length;
    }

    /** The {@code q}-quantile (0 < q <= 1), linear interpolation between order statistics (R type 7). */
    static double quantile(double[] values, double q) {
        return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(values, q * 100);
    }
}
