package dev.pmcj.tensor.vector;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static dev.pmcj.testsupport.RandomArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Products with few rows and a deep k take {@link Gemm}'s k-sliced path (the slices' sums added
 * in order): they equal the product summed in double, within float rounding of k terms, for every
 * transpose, with and without accumulating into C, and with k cut into slices and k-blocks unevenly.
 */
class GemmSlicedKTest {
    @Property(tries = 25)
    void deepProductsEqualTheProductInDouble(@ForAll @IntRange(min = 5, max = 120) int rows, @ForAll @IntRange(min = 1, max = 100) int n,
                                             @ForAll @IntRange(min = Gemm.SLICED_MIN_K, max = 7000) int k,
                                             @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate,
                                             @ForAll long seed) {
        // A B^T with A row-major takes the direct path's dot tiles up to DIRECT_DOT_ROWS rows.
        int m = transB && !transA && rows <= Gemm.DIRECT_DOT_ROWS ? rows + Gemm.DIRECT_DOT_ROWS : rows;
        Random rnd = new Random(seed);
        float[] a = gaussian(rnd, m * k), b = gaussian(rnd, k * n), c = gaussian(rnd, m * n), before = c.clone();
        Gemm.matmul(a, 0, 0, transA, b, 0, 0, transB, c, 0, 1, m, n, k, accumulate);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = accumulate ? before[i * n + j] : 0, magnitude = Math.abs(sum);
                for (int p = 0; p < k; p++) {
                    double x = a[transA ? p * m + i : i * k + p], y = b[transB ? j * k + p : p * n + j];
                    sum += x * y;
                    magnitude += Math.abs(x * y);
                }
                assertEquals(sum, c[i * n + j], 1e-5 * magnitude, "C[" + i + ", " + j + "] of " + m + " x " + n + " x " + k);
            }
        }
    }
}
