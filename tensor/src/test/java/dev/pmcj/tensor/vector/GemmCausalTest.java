package dev.pmcj.tensor.vector;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A product under a {@link Gemm.Causal} mask skips only work whose result is masked or zero: where
 * the mask leaves an entry (a score a query sees, any entry of the other layouts), it equals the
 * unmasked product's. Positions are random per query, not only rising, and the sizes cross the
 * packed blocks ({@code MC} rows, {@code KC} of k) so that the bands' offsets are exercised.
 */
class GemmCausalTest {
    @Property(tries = 60)
    void scoresAQuerySeesAreComputed(@ForAll @IntRange(min = 1, max = 110) int queries, @ForAll @IntRange(min = 1, max = 90) int keys,
                                     @ForAll @IntRange(min = 1, max = 300) int d, @ForAll boolean accumulate, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] pos = positions(rnd, queries, keys);
        float[] q = gaussian(rnd, queries * d), k = gaussian(rnd, keys * d), before = gaussian(rnd, queries * keys);
        float[] plain = before.clone(), masked = before.clone();
        // S = Q K^T: B is K read transposed.
        Gemm.packed(q, 0, d, 1, k, 0, 1, d, plain, 0, keys, queries, keys, d, accumulate);
        Gemm.packed(q, 0, d, 1, k, 0, 1, d, masked, 0, keys, queries, keys, d, accumulate, Gemm.Causal.SCORES, pos, 1);
        for (int r = 0; r < queries; r++) {
            for (int j = 0; j <= pos[1 + r]; j++) {
                assertEquals(plain[r * keys + j], masked[r * keys + j], 0f, "query " + r + ", key " + j);
            }
        }
    }

    @Property(tries = 60)
    void productsOverKeysEqualTheUnmasked(@ForAll @IntRange(min = 1, max = 110) int queries, @ForAll @IntRange(min = 1, max = 300) int keys,
                                          @ForAll @IntRange(min = 1, max = 40) int d, @ForAll boolean accumulate, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] pos = positions(rnd, queries, keys);
        float[] p = maskedScores(rnd, pos, queries, keys), v = gaussian(rnd, keys * d), before = gaussian(rnd, queries * d);
        float[] plain = before.clone(), masked = before.clone();
        // O = P V: k runs over keys.
        Gemm.packed(p, 0, keys, 1, v, 0, d, 1, plain, 0, d, queries, d, keys, accumulate);
        Gemm.packed(p, 0, keys, 1, v, 0, d, 1, masked, 0, d, queries, d, keys, accumulate, Gemm.Causal.BY_KEYS, pos, 1);
        assertSame(plain, masked);
    }

    @Property(tries = 60)
    void productsOverQueriesEqualTheUnmasked(@ForAll @IntRange(min = 1, max = 300) int queries, @ForAll @IntRange(min = 1, max = 110) int keys,
                                             @ForAll @IntRange(min = 1, max = 40) int d, @ForAll boolean accumulate, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] pos = positions(rnd, queries, keys);
        float[] p = maskedScores(rnd, pos, queries, keys), g = gaussian(rnd, queries * d), before = gaussian(rnd, keys * d);
        float[] plain = before.clone(), masked = before.clone();
        // dV = P^T dO: A is P read transposed, k runs over queries.
        Gemm.packed(p, 0, 1, keys, g, 0, d, 1, plain, 0, d, keys, d, queries, accumulate);
        Gemm.packed(p, 0, 1, keys, g, 0, d, 1, masked, 0, d, keys, d, queries, accumulate, Gemm.Causal.BY_QUERIES, pos, 1);
        assertSame(plain, masked);
    }

    /** One position per query, in {@code [0, keys)}, from index 1 (index 0 is another tile's, to test {@code from}). */
    private static int[] positions(Random rnd, int queries, int keys) {
        int[] pos = new int[queries + 1];
        for (int i = 0; i < pos.length; i++) pos[i] = rnd.nextInt(keys);
        if (rnd.nextBoolean()) Arrays.sort(pos, 1, pos.length); // rising, as in training and prefill
        return pos;
    }

    /** {@code queries x keys} probabilities-like values, zero beyond each query's position. */
    private static float[] maskedScores(Random rnd, int[] pos, int queries, int keys) {
        float[] p = new float[queries * keys];
        for (int r = 0; r < queries; r++) {
            for (int j = 0; j <= pos[1 + r]; j++) p[r * keys + j] = rnd.nextFloat();
        }
        return p;
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** Equal values (a skipped zero term may turn -0 into +0, which {@code assertEquals} with delta 0 accepts). */
    private static void assertSame(float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 0f, "element " + i);
    }
}
