package dev.pmcj.theory;

import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * Exact laws of {@link Collapse} for a group of categories (their summed mass behaves like one category,
 * because the group's share of N draws is binomial).
 */
public final class CollapseTheory {
    private CollapseTheory() {}

    /** Mean and variance of the group's mass at rounds 0..T. */
    public record Moments(double[] mean, double[] variance) {}

    /**
     * Exact first two moments of the group mass P_t, from
     * E[P'|P] = (N P + c) / (N + C) and E[P'^2|P] = (N P + N (N-1) P^2 + 2 c N P + c^2) / (N + C)^2,
     * where c is the group's retain count and C the total retain count.
     */
    public static Moments moments(double initialMass, int groupRetain, Collapse process, int rounds) {
        int n = process.samples();
        double denom = n + process.retainTotal();
        double c = groupRetain;
        double[] mean = new double[rounds + 1];
        double[] variance = new double[rounds + 1];
        double m = initialMass, s = initialMass * initialMass;
        for (int t = 0; ; t++) {
            mean[t] = m;
            variance[t] = Math.max(0, s - m * m);
            if (t == rounds) break;
            double nextS = (n * m + n * (n - 1.0) * s + 2 * c * n * m + c * c) / (denom * denom);
            m = (n * m + c) / denom;
            s = nextS;
        }
        return new Moments(mean, variance);
    }

    /** Expected mass of a group without retain data after t rounds: m0 rho^t. */
    public static double expectedForgetMass(double initialMass, Collapse process, int round) {
        return initialMass * Math.pow(process.rho(), round);
    }

    /**
     * P(group without retain data has mass exactly 0 at round t), t = 0..T, from the Markov chain of its
     * draw count X: X_1 ~ Bin(N, m0), X_{t+1} ~ Bin(N, X_t / (N + C)); 0 is absorbing.
     */
    public static double[] extinctionCdf(double initialMass, Collapse process, int rounds) {
        int n = process.samples();
        if (n > 2000) throw new IllegalArgumentException("exact extinction law needs samples <= 2000, got " + n);
        double denom = n + process.retainTotal();
        double[][] transition = new double[n + 1][];
        for (int x = 0; x <= n; x++) transition[x] = pmf(n, x / denom);
        double[] cdf = new double[rounds + 1];
        cdf[0] = initialMass == 0 ? 1 : 0;
        if (rounds == 0) return cdf;
        double[] dist = pmf(n, initialMass);
        cdf[1] = dist[0];
        for (int t = 2; t <= rounds; t++) {
            double[] next = new double[n + 1];
            for (int x = 0; x <= n; x++) {
                if (dist[x] == 0) continue;
                double[] row = transition[x];
                for (int y = 0; y <= n; y++) next[y] += dist[x] * row[y];
            }
            dist = next;
            cdf[t] = dist[0];
        }
        return cdf;
    }

    /** Smallest round whose extinction probability reaches 1/2, or -1 if none does within the horizon. */
    public static int medianExtinctionRound(double[] extinctionCdf) {
        for (int t = 0; t < extinctionCdf.length; t++) if (extinctionCdf[t] >= 0.5) return t;
        return -1;
    }

    private static double[] pmf(int n, double p) {
        BinomialDistribution b = new BinomialDistribution(null, n, Math.min(1, p));
        double[] out = new double[n + 1];
        for (int k = 0; k <= n; k++) out[k] = b.probability(k);
        return out;
    }
}
