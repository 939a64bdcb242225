package dev.pmcj.transformer.inference;

import dev.pmcj.tensor.vector.RoughSoftmax;

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
        double u = rng.nextDouble();
        boolean every = untruncated(cfg);
        if (every) {
            int pick = roughDraw(logits, cfg.temperature(), u);
            if (pick >= 0) return pick;
        }
        int[] kept = every ? null : candidates(logits, cfg);
        int count = kept == null ? logits.length : kept.length;
        double[] probs = softmax(logits, kept, count, cfg.temperature());
        double cumulative = 0;
        for (int i = 0; i < count; i++) {
            cumulative += probs[i];
            if (u < cumulative) return kept == null ? i : kept[i];
        }
        return kept == null ? count - 1 : kept[count - 1];
    }

    private static boolean untruncated(SamplingConfig cfg) {
        return cfg.topK() == 0 && cfg.topP() >= 1f;
    }

    /**
     * The tokens that may be sampled: the top-k, then the smallest prefix of those whose
     * renormalised probability reaches top-p, most likely first (ties by lower id). Without
     * truncation every id, in id order.
     */
    public static int[] candidates(float[] logits, SamplingConfig cfg) {
        if (untruncated(cfg)) {
            int[] all = new int[logits.length];
            Arrays.setAll(all, i -> i);
            return all;
        }
        if (cfg.topK() == 0 || cfg.topK() >= logits.length) {
            int[] nucleus = roughNucleus(logits, cfg.topP(), cfg.temperature());
            if (nucleus == null) nucleus = nucleus(logits, cfg.topP(), cfg.temperature());
            if (nucleus != null) return nucleus;
        }
        int[] order = sortedDescending(logits);
        int k = cfg.topK() > 0 ? Math.min(cfg.topK(), order.length) : order.length;
        int[] kept = Arrays.copyOf(order, k);
        if (cfg.topP() >= 1f) return kept;
        double[] probs = softmax(logits, kept, kept.length, cfg.temperature());
        double cumulative = 0;
        for (int i = 0; i < kept.length; i++) {
            cumulative += probs[i];
            if (cumulative >= cfg.topP()) return Arrays.copyOf(kept, i + 1);
        }
        return kept;
    }

    /**
     * Probabilities of the first {@code count} {@code kept} tokens (null: ids {@code 0..count-1}) at
     * this temperature, renormalised over them: this thread's scratch (as {@link #nucleus} left it
     * unused), valid up to count, so that sampling a token allocates nothing.
     */
    private static double[] softmax(float[] logits, int[] kept, int count, float temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) max = Math.max(max, logits[kept == null ? i : kept[i]]);
        double[] p = scratch(logits.length).weights;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            p[i] = Math.exp((logits[kept == null ? i : kept[i]] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < count; i++) p[i] /= sum;
        return p;
    }

    /** Per-thread buffers of {@link #nucleus}, {@link #softmax} and the rough paths, grown to the vocabulary once. */
    private static final class Scratch {
        double[] weights = new double[0];
        float[] rough = new float[0];
        long[] keys = new long[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** This thread's buffers, at least {@code n} long. */
    private static Scratch scratch(int n) {
        Scratch s = SCRATCH.get();
        if (s.weights.length < n) {
            s.weights = new double[n];
            s.rough = new float[n];
            s.keys = new long[n];
        }
        return s;
    }

    /**
     * The top-p set without sorting the whole vocabulary. A token whose probability lies below
     * {@code (1 - p) / (n - 1)} is never needed: all such tokens together hold less than {@code 1 - p},
     * so the more likely ones reach {@code p} first. Only those are sorted (a few dozen of
     * stories260K's 512 at p 0.9). Null when that bound does not apply ({@code p < 1/n}, NaN) or
     * rounding leaves them short of p; the caller then sorts everything.
     */
    private static int[] nucleus(float[] logits, float topP, float temperature) {
        int n = logits.length;
        Scratch s = scratch(n);
        double[] w = s.weights;
        long[] keys = s.keys;
        double max = Double.NEGATIVE_INFINITY, total = 0;
        for (float l : logits) max = Math.max(max, l);
        for (int i = 0; i < n; i++) {
            w[i] = Math.exp((logits[i] - max) / temperature);
            total += w[i];
        }
        double cutoff = n > 1 ? (1 - topP) * total / (n - 1) : 0;
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (w[i] >= cutoff) keys[m++] = key(logits[i], i);
        }
        Arrays.sort(keys, 0, m);
        double cumulative = 0;
        for (int r = 0; r < m; r++) {
            cumulative += w[(int) keys[r]] / total;
            if (cumulative >= topP) return ids(keys, r + 1);
        }
        return null;
    }

    // ---- the same picks from rough weights ------------------------------------------------------
    //
    // The exact picks normalise by a sum of Math.exp over the whole vocabulary, a double
    // exponential per logit: a tenth of 32 streams' decoding. The paths below decide from
    // vectorised float weights (RoughSoftmax) instead, and answer only where each partial sum they
    // compare lies farther than margin(n) from its threshold (u, or top-p): then the exact sums fall
    // on the same side. Otherwise (a few draws in a thousand) the caller computes the exact way.

    /**
     * How far a rough partial sum over the rough total may lie from the exact one, three times over.
     * The total is at least 1 (the largest weight), so weights below e^-20 add at most n times their
     * own bound to the relative error of the near ones; a ratio of two sums doubles it; the double
     * sums' rounding adds n ulps.
     */
    private static double margin(int n) {
        double relative = RoughSoftmax.NEAR_RELATIVE_ERROR
                + n * (Math.exp(RoughSoftmax.NEAR) * RoughSoftmax.RELATIVE_ERROR + RoughSoftmax.ABSOLUTE_ERROR);
        return 3 * (2 * relative / (1 - relative) + n * 0x1p-52);
    }

    /** Rough weights into this thread's scratch; their sum, or NaN where a logit is not finite. */
    private static double roughWeights(float[] logits, float temperature, float[] w) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        if (!Float.isFinite(max)) return Double.NaN;
        double total = RoughSoftmax.weights(logits, logits.length, max, temperature, w);
        return total >= 1 && Double.isFinite(total) ? total : Double.NaN;
    }

    /** The untruncated draw at u (the inverse CDF over every id in id order), or -1 where rough weights cannot tell it. */
    static int roughDraw(float[] logits, float temperature, double u) {
        float[] w = scratch(logits.length).rough;
        double total = roughWeights(logits, temperature, w);
        if (Double.isNaN(total)) return -1;
        double target = u * total, margin = margin(logits.length) * total, cumulative = 0;
        for (int i = 0; i < logits.length; i++) {
            double next = cumulative + w[i];
            if (next > target) return next >= target + margin && cumulative <= target - margin ? i : -1;
            cumulative = next;
        }
        return -1;
    }

    /**
     * {@link #nucleus}'s answer, or null where rough weights cannot tell it. The crossing of p must
     * be clear on both sides, and the crossing token's weight at least twice the rough cutoff, so
     * that the exact filter keeps it; the rough filter keeps weights down to half the rough cutoff,
     * so that it keeps every token before it.
     */
    static int[] roughNucleus(float[] logits, float topP, float temperature) {
        int n = logits.length;
        if (n < 2) return null;
        Scratch s = scratch(n);
        float[] w = s.rough;
        long[] keys = s.keys;
        double total = roughWeights(logits, temperature, w);
        if (Double.isNaN(total)) return null;
        double cutoff = (1 - topP) * total / (n - 1);
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (w[i] >= cutoff / 2) keys[m++] = key(logits[i], i);
        }
        Arrays.sort(keys, 0, m);
        double target = topP * total, margin = margin(n) * total, cumulative = 0;
        for (int r = 0; r < m; r++) {
            double weight = w[(int) keys[r]], next = cumulative + weight;
            if (next >= target) {
                boolean clear = next >= target + margin && cumulative <= target - margin && weight >= 2 * cutoff;
                return clear ? ids(keys, r + 1) : null;
            }
            cumulative = next;
        }
        return null;
    }

    /** Token ids by descending logit, ties by ascending id, via one primitive sort of packed keys. */
    private static int[] sortedDescending(float[] logits) {
        long[] keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            keys[i] = key(logits[i], i);
        }
        Arrays.sort(keys);
        return ids(keys, keys.length);
    }

    /** The token ids of the first {@code count} keys. */
    private static int[] ids(long[] keys, int count) {
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) ids[i] = (int) keys[i];
        return ids;
    }

    /** A long whose ascending order is descending logit, then ascending id. */
    private static long key(float logit, int id) {
        return ((long) ~orderedBits(logit) << 32) | id;
    }

    /** An int whose signed order is the float's numeric order (NaN sorts highest). */
    private static int orderedBits(float f) {
        int bits = Float.floatToIntBits(f);
        return bits >= 0 ? bits : bits ^ 0x7fffffff;
    }
}
