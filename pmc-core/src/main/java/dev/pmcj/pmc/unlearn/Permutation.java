package dev.pmcj.pmc.unlearn;

import java.util.SplittableRandom;

/** Seeded Fisher-Yates permutations: the epoch orders of fine-tuning and unlearning. */
public final class Permutation {
    private Permutation() {
    }

    /** A uniformly random permutation of {@code 0..n-1}. */
    public static int[] shuffled(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
