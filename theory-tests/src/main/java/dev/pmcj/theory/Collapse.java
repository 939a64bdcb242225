package dev.pmcj.theory;

import org.apache.commons.math3.random.RandomGenerator;

import java.util.Arrays;

/**
 * Refit by maximum likelihood on {@code samples} own draws plus fixed retain counts: total collapse
 * when all retain counts are zero, partial collapse (PMC's lemma) otherwise.
 */
public record Collapse(int samples, int[] retainCounts) implements RefitProcess {
    public Collapse {
        if (samples < 1) throw new IllegalArgumentException("samples per round must be >= 1, got " + samples);
        for (int i = 0; i < retainCounts.length; i++)
            if (retainCounts[i] < 0) throw new IllegalArgumentException("retain count " + i + " is " + retainCounts[i] + " < 0");
        retainCounts = retainCounts.clone();
    }

    public static Collapse total(int samples, int categories) {
        return new Collapse(samples, new int[categories]);
    }

    public static Collapse partial(int samples, int[] retainCounts) {
        return new Collapse(samples, retainCounts);
    }

    /** Sum of the retain counts. */
    public int retainTotal() {
        return Arrays.stream(retainCounts).sum();
    }

    /** Per-round expected decay of mass outside the retain set: N / (N + sum c). */
    public double rho() {
        return samples / (double) (samples + retainTotal());
    }

    @Override
    public int[] retainCounts() {
        return retainCounts.clone();
    }

    @Override
    public Categorical step(Categorical current, RandomGenerator rng) {
        if (current.size() != retainCounts.length)
            throw new IllegalArgumentException("model has " + current.size() + " categories, retain counts " + retainCounts.length);
        int[] counts = current.sampleCounts(samples, rng);
        for (int i = 0; i < counts.length; i++) counts[i] += retainCounts[i];
        return Categorical.fromCounts(counts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Collapse c && samples == c.samples && Arrays.equals(retainCounts, c.retainCounts);
    }

    @Override
    public int hashCode() {
        return 31 * samples + Arrays.hashCode(retainCounts);
    }

    @Override
    public String toString() {
        return "Collapse[samples=" + samples + ", retainCounts=" + Arrays.toString(retainCounts) + "]";
    }
}
