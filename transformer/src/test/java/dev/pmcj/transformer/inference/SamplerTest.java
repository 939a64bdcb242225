package dev.pmcj.transformer.inference;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    /** log of probabilities 0.5, 0.2, 0.3 (temperature 1 recovers them). */
    private static final float[] LOGITS = {(float) Math.log(0.5), (float) Math.log(0.2), (float) Math.log(0.3)};

    private static SamplingConfig cfg(float temperature, float topP, int topK) {
        return new SamplingConfig(temperature, topP, topK, 0L, 1, 100, -1);
    }

    @Test
    void greedyTakesTheFirstMaximum() {
        float[] logits = {1f, 5f, 3f, 5f};
        assertEquals(1, Sampler.argmax(logits));
        assertEquals(1, Sampler.sample(logits, SamplingConfig.greedy(1), new SplittableRandom(1)));
    }

    @Test
    void topKKeepsTheKLargestWithTiesByLowerId() {
        assertArrayEquals(new int[]{1, 3}, Sampler.candidates(new float[]{1f, 5f, 3f, 5f, 2f}, cfg(1f, 1f, 2)));
        assertArrayEquals(new int[]{1, 3, 2}, Sampler.candidates(new float[]{1f, 5f, 3f, 5f, 2f}, cfg(1f, 1f, 3)));
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        assertArrayEquals(new int[]{0}, Sampler.candidates(LOGITS, cfg(1f, 0.45f, 0)));
        assertArrayEquals(new int[]{0}, Sampler.candidates(LOGITS, cfg(1f, 0.5f - 1e-6f, 0)));
        assertArrayEquals(new int[]{0, 2}, Sampler.candidates(LOGITS, cfg(1f, 0.79f, 0)));
        assertArrayEquals(new int[]{0, 2, 1}, Sampler.candidates(LOGITS, cfg(1f, 0.81f, 0)));
        // Temperature sharpens before the nucleus: at T 0.5 the probabilities are 25:4:9, so 0.5 -> 25/38 = 0.66.
        assertArrayEquals(new int[]{0}, Sampler.candidates(LOGITS, cfg(0.5f, 0.65f, 0)));
    }

    @Test
    void topPAppliesAfterTopKOnRenormalisedProbabilities() {
        // Top-2 renormalises 0.5 and 0.3 to 0.625 and 0.375: p 0.6 keeps one token (0.5 < 0.6 before renormalising).
        assertArrayEquals(new int[]{0}, Sampler.candidates(LOGITS, cfg(1f, 0.6f, 2)));
        assertArrayEquals(new int[]{0, 2}, Sampler.candidates(LOGITS, cfg(1f, 0.6f, 0)));
    }

    @Test
    void sampleFrequenciesFollowTemperatureScaledProbabilities() {
        int n = 40_000;
        SplittableRandom rng = new SplittableRandom(9);
        for (float t : new float[]{1f, 0.5f}) {
            int[] counts = new int[3];
            for (int i = 0; i < n; i++) counts[Sampler.sample(LOGITS, cfg(t, 1f, 0), rng)]++;
            double[] p = t == 1f ? new double[]{0.5, 0.2, 0.3} : new double[]{25 / 38.0, 4 / 38.0, 9 / 38.0};
            for (int j = 0; j < 3; j++) {
                double sigma = Math.sqrt(p[j] * (1 - p[j]) / n);
                assertEquals(p[j], counts[j] / (double) n, 5 * sigma, "T " + t + " token " + j);
            }
        }
    }

    @Property(tries = 200)
    void candidatesAreTheMostLikelyAndSamplesComeFromThem(@ForAll @Size(min = 1, max = 40) List<@FloatRange(min = -20, max = 20) Float> values,
                                                          @ForAll @IntRange(min = 0, max = 10) int topK,
                                                          @ForAll @FloatRange(min = 0.05f, max = 1f) float topP,
                                                          @ForAll @FloatRange(min = 0.1f, max = 3f) float temperature) {
        float[] logits = logits(values);
        SamplingConfig c = cfg(temperature, topP, topK);
        int[] kept = Sampler.candidates(logits, c);
        assertTrue(kept.length >= 1 && (topK == 0 || kept.length <= topK));
        float minKept = Float.POSITIVE_INFINITY;
        boolean[] in = new boolean[logits.length];
        for (int id : kept) {
            minKept = Math.min(minKept, logits[id]);
            in[id] = true;
        }
        for (int j = 0; j < logits.length; j++) {
            assertTrue(in[j] || logits[j] <= minKept, "excluded token " + j + " is more likely than a kept one");
        }
        int sampled = Sampler.sample(logits, c, new SplittableRandom(values.hashCode()));
        assertTrue(in[sampled], "sampled " + sampled + " outside the candidates");
    }

    /**
     * A draw is the inverse CDF, at one uniform, of the candidates' renormalised probabilities in
     * candidate order; every id in id order without truncation. Draws follow one another on one
     * thread, as the scratch buffers they share would carry anything over.
     */
    @Property(tries = 300)
    void sampleIsTheInverseCdfOverTheCandidates(@ForAll @Size(min = 1, max = 300) List<@FloatRange(min = -12, max = 12) Float> values,
                                                @ForAll @IntRange(min = 0, max = 10) int topK,
                                                @ForAll @FloatRange(min = 0.05f, max = 1f) float topP,
                                                @ForAll boolean untruncated,
                                                @ForAll @FloatRange(min = 0.1f, max = 3f) float temperature, @ForAll long seed) {
        float[] logits = logits(values);
        SamplingConfig c = untruncated ? cfg(temperature, 1f, 0) : cfg(temperature, topP, topK);
        int[] kept = Sampler.candidates(logits, c);
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int id : kept) max = Math.max(max, logits[id]);
        double[] p = new double[kept.length];
        for (int i = 0; i < kept.length; i++) sum += p[i] = Math.exp((logits[kept[i]] - max) / temperature);
        double u = new SplittableRandom(seed).nextDouble(), cumulative = 0;
        int expected = kept[kept.length - 1];
        for (int i = 0; i < kept.length; i++) {
            cumulative += p[i] / sum;
            if (u < cumulative) {
                expected = kept[i];
                break;
            }
        }
        assertEquals(expected, Sampler.sample(logits, c, new SplittableRandom(seed)));
    }

    /**
     * The rough draw answers as the exact inverse CDF does, or not at all, even with u on an exact
     * partial sum (where rounding decides) or an ulp away from it; and at a random u it answers.
     */
    @Property(tries = 200)
    void roughDrawIsExactOrSilent(@ForAll @Size(min = 1, max = 600) List<@FloatRange(min = -15, max = 15) Float> values,
                                  @ForAll @FloatRange(min = 0.1f, max = 3f) float temperature, @ForAll long seed) {
        float[] logits = logits(values);
        double[] p = probabilities(logits, temperature), c = new double[logits.length];
        double cumulative = 0;
        for (int i = 0; i < logits.length; i++) c[i] = cumulative += p[i];
        SplittableRandom rnd = new SplittableRandom(seed);
        int j = rnd.nextInt(logits.length);
        for (double u : new double[]{c[j], Math.nextDown(c[j]), Math.nextUp(c[j]), rnd.nextDouble()}) {
            if (u >= 1) continue;
            int exact = logits.length - 1;
            for (int i = 0; i < logits.length; i++) {
                if (u < c[i]) {
                    exact = i;
                    break;
                }
            }
            int rough = Sampler.roughDraw(logits, temperature, u);
            assertTrue(rough == -1 || rough == exact, "u " + u + ": rough " + rough + ", exact " + exact);
        }
    }

    /** The rough top-p set is the exact one or none, with p on an exact partial sum of the sorted probabilities. */
    @Property(tries = 200)
    void roughNucleusIsExactOrSilent(@ForAll @Size(min = 2, max = 600) List<@FloatRange(min = -12, max = 12) Float> values,
                                     @ForAll @FloatRange(min = 0.1f, max = 3f) float temperature, @ForAll long seed) {
        float[] logits = logits(values);
        int[] order = descending(logits);
        double[] p = probabilities(logits, temperature);
        double cumulative = 0;
        int r = new SplittableRandom(seed).nextInt(logits.length - 1);
        for (int i = 0; i <= r; i++) cumulative += p[order[i]];
        for (float topP : new float[]{(float) cumulative, Math.nextDown((float) cumulative), Math.nextUp((float) cumulative)}) {
            if (!(topP > 0 && topP < 1)) continue;
            int[] rough = Sampler.roughNucleus(logits, topP, temperature);
            if (rough != null) assertArrayEquals(referenceNucleus(logits, topP, temperature), rough, "top-p " + topP);
        }
    }

    /** Away from exact partial sums the rough paths answer: they are the fast path, not a rarity. */
    @Test
    void roughPathsAnswerAtRandomThresholds() {
        SplittableRandom rnd = new SplittableRandom(4);
        int draws = 0, sets = 0, tries = 500;
        for (int t = 0; t < tries; t++) {
            float[] logits = new float[512];
            for (int i = 0; i < logits.length; i++) logits[i] = (float) (rnd.nextDouble() * 16 - 8);
            if (Sampler.roughDraw(logits, 1f, rnd.nextDouble()) >= 0) draws++;
            if (Sampler.roughNucleus(logits, 0.05f + 0.9f * (float) rnd.nextDouble(), 1f) != null) sets++;
        }
        assertTrue(draws >= 0.98 * tries && sets >= 0.98 * tries, "rough draws " + draws + ", rough sets " + sets + " of " + tries);
    }

    /** Top-p alone sorts only the tokens that can matter; the result is still the full sort's prefix. */
    @Property(tries = 200)
    void topPEqualsThePrefixOfTheFullSort(@ForAll @Size(min = 1, max = 600) List<@FloatRange(min = -12, max = 12) Float> values,
                                         @ForAll @FloatRange(min = 0.01f, max = 0.99f) float topP,
                                         @ForAll @FloatRange(min = 0.1f, max = 3f) float temperature) {
        float[] logits = logits(values);
        assertArrayEquals(referenceNucleus(logits, topP, temperature), Sampler.candidates(logits, cfg(temperature, topP, 0)));
    }

    private static float[] logits(List<Float> values) {
        float[] logits = new float[values.size()];
        for (int i = 0; i < logits.length; i++) logits[i] = values.get(i);
        return logits;
    }

    /** Token ids by descending logit, ties by ascending id. */
    private static int[] descending(float[] logits) {
        return java.util.stream.IntStream.range(0, logits.length).boxed()
                .sorted((x, y) -> logits[x] != logits[y] ? Float.compare(logits[y], logits[x]) : Integer.compare(x, y))
                .mapToInt(Integer::intValue).toArray();
    }

    /** Every id's probability at this temperature, in double: shifted by the max, normalised by the sum in id order. */
    private static double[] probabilities(float[] logits, float temperature) {
        double max = Double.NEGATIVE_INFINITY, total = 0;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) total += p[i] = Math.exp((logits[i] - max) / temperature);
        for (int i = 0; i < p.length; i++) p[i] /= total;
        return p;
    }

    /** The top-p set by definition: the smallest prefix of the descending order whose probabilities reach p. */
    private static int[] referenceNucleus(float[] logits, float topP, float temperature) {
        int[] order = descending(logits);
        double[] p = probabilities(logits, temperature);
        int size = 0;
        double cumulative = 0;
        while (size < order.length && cumulative < topP) cumulative += p[order[size++]];
        return java.util.Arrays.copyOf(order, size);
    }
}
