package dev.pmcj.theory.report;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * What to simulate. {@code counts}: initial counts (total/partial) or initial weights (curated);
 * {@code forget}: the first F categories are forgotten (they get no retain data); {@code samples}: draws per
 * round (total/partial) or kept samples per round (curated/pmc finite-sample runs); {@code temperature} 0 = argmax.
 */
public record TheoryOptions(Mode mode, int runs, int rounds, long seed, Path out, int[] counts, int forget,
                            int samples, int k, double[] rewards, double temperature) {
    public enum Mode { TOTAL, PARTIAL, CURATED, PMC }

    /** The blog setting: counts [5,10,20,15,10,10,5,10,10,5], forget the first three, N = 100. */
    public static final int[] BLOG_COUNTS = {5, 10, 20, 15, 10, 10, 5, 10, 10, 5};
    /** pmc.md's curated example: K 4, p0 [0.5, 0.3, 0.15, 0.05], r [0, 0.4, 1, 1]. */
    public static final int[] CURATED_WEIGHTS = {50, 30, 15, 5};
    public static final double[] CURATED_REWARDS = {0, 0.4, 1, 1};

    public TheoryOptions {
        if (runs < 1) throw new IllegalArgumentException("--runs must be >= 1, got " + runs);
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        if (samples < 1) throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
        if (k < 1) throw new IllegalArgumentException("--k must be >= 1, got " + k);
        if (!(temperature >= 0) || Double.isInfinite(temperature))
            throw new IllegalArgumentException("--temperature must be finite and >= 0, got " + temperature);
        counts = counts.clone();
        rewards = rewards.clone();
        if (mode == Mode.TOTAL || mode == Mode.PARTIAL) {
            if (counts.length < 2) throw new IllegalArgumentException("--counts needs at least 2 categories, got " + Arrays.toString(counts));
            if (forget < 1 || forget >= counts.length)
                throw new IllegalArgumentException("--forget must be in [1, " + (counts.length - 1) + "] for " + counts.length + " categories, got " + forget);
        }
        if (mode == Mode.CURATED && counts.length != rewards.length)
            throw new IllegalArgumentException("--counts has " + counts.length + " categories but --rewards " + rewards.length);
    }

    /** Defaults for a mode: the blog setting for total/partial, pmc.md's example for curated and pmc. */
    public static TheoryOptions defaults(Mode mode, Path out) {
        boolean collapse = mode == Mode.TOTAL || mode == Mode.PARTIAL;
        return new TheoryOptions(mode, collapse ? 1000 : 200, collapse ? 40 : 30, 0, out,
                collapse ? BLOG_COUNTS : CURATED_WEIGHTS, 3, 100, 4, CURATED_REWARDS, 1);
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }

    @Override
    public double[] rewards() {
        return rewards.clone();
    }
}
