package dev.pmcj.theory;

import org.apache.commons.math3.random.RandomGenerator;

import java.util.Arrays;

/**
 * Finite-sample curated retraining: {@code refitSamples} times, draw K candidates from the model and keep
 * the one the selection picks; refit by maximum likelihood on the kept samples. In expectation one round
 * is the {@link CuratedUpdate} with the same K, rewards and selection.
 */
public record SampledCuration(int k, double[] rewards, Selection selection, int refitSamples) implements RefitProcess {
    public SampledCuration {
        if (k < 1) throw new IllegalArgumentException("K (candidates) must be >= 1, got " + k);
        if (refitSamples < 1) throw new IllegalArgumentException("refit samples must be >= 1, got " + refitSamples);
        rewards = rewards.clone();
    }

    @Override
    public double[] rewards() {
        return rewards.clone();
    }

    /** The exact expected update this process samples. */
    public CuratedUpdate expected() {
        return new CuratedUpdate(k, rewards, selection);
    }

    @Override
    public Categorical step(Categorical current, RandomGenerator rng) {
        current.requireSize(rewards);
        int[] candidates = current.draws(k * refitSamples, rng);
        int[] counts = new int[rewards.length];
        double[] candidateRewards = new double[k];
        for (int s = 0; s < refitSamples; s++) {
            for (int j = 0; j < k; j++) candidateRewards[j] = rewards[candidates[s * k + j]];
            counts[candidates[s * k + selection.choose(candidateRewards, rng)]]++;
        }
        return Categorical.fromCounts(counts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampledCuration c && k == c.k && refitSamples == c.refitSamples
                && Arrays.equals(rewards, c.rewards) && selection.equals(c.selection);
    }

    @Override
    public int hashCode() {
        return ((31 * k + refitSamples) * 31 + Arrays.hashCode(rewards)) * 31 + selection.hashCode();
    }

    @Override
    public String toString() {
        return "SampledCuration[k=" + k + ", rewards=" + Arrays.toString(rewards) + ", selection=" + selection
                + ", refitSamples=" + refitSamples + "]";
    }
}
