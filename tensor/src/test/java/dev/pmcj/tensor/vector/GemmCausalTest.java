package dev.pmcj.tensor.vector;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.pmcj.testsupport.RandomArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A product under a {@link Gemm.Causal} mask skips only work whose result is masked or zero: where
 * the mask leaves an entry (a score a query sees, any entry of the other layouts), it equals the
 * unmasked product's. Positions are random per query, not only rising, and the sizes cross the
 * packed blocks ({@code MC} rows, {@code KC} of k) so that the bands' offsets are exercised.
 */
class GemmCausalTest {
    /** Sizes up to these cross the packed blocks: C's rows past {@code MC}, k past {@code KC}. */
    private static final int MAX_ROWS = 300, MAX_K = 600;

    @Test
    void sizesCrossThePackedBlocks() {
        assertTrue(MAX_ROWS > Gemm.MC && MAX_K > Gemm.KC,
                "the properties' sizes no longer cross MC (" + Gemm.MC + ") and KC (" + Gemm.KC + "): raise MAX_ROWS and MAX_K");
    }

    @Property(tries = 60)
    void scoresAQuerySeesAreComputed(@ForAll @IntRange(min = 1, max = MAX_ROWS) int queries, @ForAll @IntRange(min = 1, max = 90) int keys,
                                     @ForAll @IntRange(min = 1, max = MAX_K) int d, @ForAll boolean accumulate, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] pos = positions(rnd, queries, keys);
        // S = Q K^T: B is K read transposed.
        float[][] c = plainAndMasked(rnd, gaussian(rnd, queries * d), d, 1, gaussian(rnd, keys * d), 1, d,
                queries, keys, d, accumulate, Gemm.Causal.SCORES, pos);
        for (int r = 0; r < queries; r++) {
            for (int j = 0; j <= pos[1 + r]; j++) {
                assertEquals(c[0][r * keys + j], c[1][r * keys + j], 0f, "query " + r + ", key " + j);
            }
        }
    }

    @Property(tries = 60)
    void productsOverKeysEqualTheUnmasked(@ForAll @IntRange(min = 1, max = MAX_ROWS) int queries, @ForAll @IntRange(min = 1, max = MAX_K) int keys,
                                          @ForAll @IntRange(min = 1, max = 40) int d, @ForAll boolean accumulate, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] pos = positions(rnd, queries, keys);
        // O = P V: k runs over keys.
        float[][] c = plainAndMasked(rnd, maskedScores(rnd, pos, queries, keys), keys, 1, gaussian(rnd, keys * d), d, 1,
                queries, d, keys, accumulate, Gemm.Causal.BY_KEYS, pos);
        assertSame(c[0], c[1]);
    }

    @Property(tries = 60)
    void productsOverQueriesEqualTheUnmasked(@ForAll @IntRange(min = 1, max = MAX_K) int queries, @ForAll @IntRange(min = 1, max = MAX_ROWS) int keys,
                                             @ForAll @IntRange(min = 1, max = 40) int d, @ForAll boolean accumulate, @ForAll long seed) {
        Random rnd = new Random(seed);
        int[] pos = positions(rnd, queries, keys);
        // dV = P^T dO: A is P read transposed, k runs over queries.
        float[][] c = plainAndMasked(rnd, maskedScores(rnd, pos, queries, keys), 1, keys, gaussian(rnd, queries * d), d, 1,
                keys, d, queries, accumulate, Gemm.Causal.BY_QUERIES, pos);
        assertSame(c[0], c[1]);
    }

    /** {@code C (+)= A B} without and with the mask (positions from index 1), each from the same random C. */
    private static float[][] plainAndMasked(Random rnd, float[] a, int aRs, int aCs, float[] b, int bRs, int bCs,
                                            int m, int n, int k, boolean accumulate, Gemm.Causal causal, int[] pos) {
        float[] plain = gaussian(rnd, m * n), masked = plain.clone();
        Gemm.packed(a, 0, aRs, aCs, b, 0, bRs, bCs, plain, 0, n, m, n, k, accumulate);
        Gemm.packed(a, 0, aRs, aCs, b, 0, bRs, bCs, masked, 0, n, m, n, k, accumulate, causal, pos, 1);
        return new float[][] {plain, masked};
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

    /** Equal values (a skipped zero term may turn -0 into +0, which {@code assertEquals} with delta 0 accepts). */
    private static void assertSame(float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 0f, "element " + i);
    }
}
