package dev.pmcj.transformer.inference;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/** Picks a token from one row of host logits: greedy, or temperature then top-k then top-p sampling. */
public final class Sampler {
    private Sampler() {
    }

    /** Index of the largest logit; the first one on ties. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    public static int sample(float[] logits, SamplingConfig cfg, RandomGenerator rng) {
        if (cfg.isGreedy()) return argmax(logits);
        int[] kept = candidates(logits, cfg);
        double[] probs = softmax(logits, kept, cfg.temperature());
        double u = rng.nextDouble(), cumulative = 0;
        for (int i = 0; i < kept.length; i++) {
            cumulative += probs[i];
            if (u < cumulative) return kept[i];
        }
        return kept[kept.length - 1];
    }

    /**
     * The tokens that may be sampled: the top-k, then the smallest prefix of those whose
     * renormalised probability reaches top-p, most likely first (ties by lower id). Without
     * truncation every id, in id order.
     */
    public static int[] candidates(float[] logits, SamplingConfig cfg) {
        if (cfg.topK() == 0 && cfg.topP() >= 1f) {
            int[] all = new int[logits.length];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] order = sortedDescending(logits);
        int k = cfg.topK() > 0 ? Math.min(cfg.topK(), order.length) : order.length;
        int[] kept = Arrays.copyOf(order, k);
        if (cfg.topP() >= 1f) return kept;
        double[] probs = softmax(logits, kept, cfg.temperature());
        double cumulative = 0;
        for (int i = 0; i < kept.length; i++) {
            cumulative += probs[i];
            if (cumulative >= cfg.topP()) return Arrays.copyOf(kept, i + 1);
        }
        return kept;
    }

    /** Probabilities of the {@code kept} tokens at this temperature, renormalised over them. */
    private static double[] softmax(float[] logits, int[] kept, float temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int id : kept) max = Math.max(max, logits[id]);
        double[] p = new double[kept.length];
        double sum = 0;
        for (int i = 0; i < kept.length; i++) {
            p[i] = Math.exp((logits[kept[i]] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    /** Token ids by descending logit, ties by ascending id, via one primitive sort of packed keys. */
    private static int[] sortedDescending(float[] logits) {
        long[] keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            keys[i] = ((long) ~orderedBits(logits[i]) << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[keys.length];
        for (int i = 0; i < keys.length; i++) order[i] = (int) keys[i];
        return order;
    }

    /** An int whose signed order is the float's numeric order (NaN sorts highest). */
    private static int orderedBits(float f) {
        int bits = Float.floatToIntBits(f);
        return bits >= 0 ? bits : bits ^ 0x7fffffff;
    }
}
