package dev.pmcj.theory;

import org.apache.commons.math3.random.RandomGenerator;

import java.util.Arrays;

/** A categorical distribution over categories {@code 0..K-1}; immutable. */
public final class Categorical {
    private static final double SUM_TOLERANCE = 1e-9;
    private final double[] probs;

    private Categorical(double[] probs) {
        this.probs = probs;
    }

    /** The distribution with these probabilities (non-negative, finite, summing to 1 within 1e-9). */
    public static Categorical of(double... probs) {
        if (probs.length == 0) throw new IllegalArgumentException("a categorical needs at least one category");
        double sum = 0;
        for (int i = 0; i < probs.length; i++) {
            if (!(probs[i] >= 0) || Double.isInfinite(probs[i]))
                throw new IllegalArgumentException("probability " + i + " is " + probs[i] + ", expected a finite value >= 0");
            sum += probs[i];
        }
        if (Math.abs(sum - 1) > SUM_TOLERANCE)
            throw new IllegalArgumentException("probabilities sum to " + sum + ", expected 1: " + Arrays.toString(probs));
        return new Categorical(probs.clone());
    }

    /** Maximum likelihood fit on (possibly fractional) counts: each count divided by the total. */
    public static Categorical fromCounts(double... counts) {
        double total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (!(counts[i] >= 0) || Double.isInfinite(counts[i]))
                throw new IllegalArgumentException("count " + i + " is " + counts[i] + ", expected a finite value >= 0");
            total += counts[i];
        }
        if (!(total > 0)) throw new IllegalArgumentException("counts are all zero: " + Arrays.toString(counts));
        double[] p = new double[counts.length];
        for (int i = 0; i < p.length; i++) p[i] = counts[i] / total;
        return new Categorical(p);
    }

    /** Integer counts, as {@link #fromCounts(double...)}. */
    public static Categorical fromCounts(int... counts) {
        return fromCounts(Arrays.stream(counts).asDoubleStream().toArray());
    }

    public int size() {
        return probs.length;
    }

    public double p(int i) {
        return probs[i];
    }

    public double[] toArray() {
        return probs.clone();
    }

    /** Total probability of categories {@code [from, to)}. */
    public double mass(int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) m += probs[i];
        return m;
    }

    /** E[f(X)]. */
    public double mean(double[] f) {
        requireSize(f);
        double m = 0;
        for (int i = 0; i < probs.length; i++) m += probs[i] * f[i];
        return m;
    }

    /** Var[f(X)], computed around the mean (no cancellation of two large moments). */
    public double variance(double[] f) {
        double mu = mean(f);
        double v = 0;
        for (int i = 0; i < probs.length; i++) v += probs[i] * (f[i] - mu) * (f[i] - mu);
        return v;
    }

    /** {@code n} independent draws, in order. */
    public int[] draws(int n, RandomGenerator rng) {
        if (n < 0) throw new IllegalArgumentException("sample size " + n + " < 0");
        double[] cdf = cumulative();
        int[] out = new int[n];
        for (int s = 0; s < n; s++) out[s] = search(cdf, rng.nextDouble());
        return out;
    }

    /** How many of {@code n} independent draws fall in each category. */
    public int[] sampleCounts(int n, RandomGenerator rng) {
        if (n < 0) throw new IllegalArgumentException("sample size " + n + " < 0");
        double[] cdf = cumulative();
        int[] counts = new int[probs.length];
        for (int s = 0; s < n; s++) counts[search(cdf, rng.nextDouble())]++;
        return counts;
    }

    private double[] cumulative() {
        double[] cdf = new double[probs.length];
        double acc = 0;
        for (int i = 0; i < probs.length; i++) cdf[i] = acc += probs[i];
        return cdf;
    }

    /** First index whose cumulative mass exceeds u * total: never a zero-probability category. */
    private static int search(double[] cdf, double u) {
        double target = u * cdf[cdf.length - 1];
        int lo = 0, hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > target) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    void requireSize(double[] values) {
        if (values.length != probs.length)
            throw new IllegalArgumentException("got " + values.length + " values for " + probs.length + " categories");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Categorical c && Arrays.equals(probs, c.probs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(probs);
    }

    @Override
    public String toString() {
        return "Categorical" + Arrays.toString(probs);
    }
}
