package dev.pmcj.tensor.vector;

import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

import static dev.pmcj.tensor.vector.Gemm.L;
import static dev.pmcj.tensor.vector.Gemm.S;

/**
 * {@link Gemm}'s products that pack nothing: tiny ones, and matrix-vector shaped ones (a few rows of
 * A, such as one stream decoding), where packing B would cost as much as the arithmetic. Rows of C
 * accumulate rows of B, or each element is a dot product of two contiguous runs.
 */
final class GemmDirect {
    private GemmDirect() {
    }

    /** {@code C (+)= A B}, operands addressed as in {@link Gemm}. */
    static void multiply(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                       float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        if (bCs == 1) {
            // Rows of B are contiguous: row i of C accumulates a[i][p] * row p of B.
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                if (!accumulate) Arrays.fill(c, ci, ci + n, 0f);
                for (int p = 0; p < k; p++) {
                    VectorMath.axpy(a[aOff + i * aRs + p * aCs], b, bOff + p * bRs, c, ci, n);
                }
            }
        } else if (aCs == 1) {
            // B is transposed (columns contiguous) and A row-major: each C element is a dot product
            // of two contiguous runs; four rows by two columns at a time share their loads.
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int j = 0;
                for (; j + 2 <= n; j += 2) {
                    dots4x2(a, aOff + i * aRs, aRs, b, bOff + j * bCs, bCs, k, c, cOff + i * ldc + j, ldc, accumulate);
                }
                dots(a, aOff + i * aRs, aRs, 4, b, bOff + j * bCs, bCs, n - j, k, c, cOff + i * ldc + j, ldc, accumulate);
            }
            dots(a, aOff + i * aRs, aRs, m - i, b, bOff, bCs, n, k, c, cOff + i * ldc, ldc, accumulate);
        } else {
            // B transposed, A transposed too: copy each row of A out, then dot products.
            float[] row = VectorMath.scratch(k);
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) row[p] = a[aOff + i * aRs + p * aCs];
                dots(row, 0, 0, 1, b, bOff, bCs, n, k, c, cOff + i * ldc, ldc, accumulate);
            }
        }
    }

    /** {@code C[0:rows, 0:cols] (+)=} dots of A's rows (contiguous, {@code aRs} apart) with B's columns ({@code bCs} apart). */
    private static void dots(float[] a, int ao, int aRs, int rows, float[] b, int bo, int bCs, int cols, int k,
                             float[] c, int co, int ldc, boolean accumulate) {
        for (int i = 0; i < rows; i++) {
            int j = 0;
            if (L == 8) {
                for (; j + 8 <= cols; j += 8) dots1x8(a, ao + i * aRs, b, bo + j * bCs, bCs, k, c, co + i * ldc + j, accumulate);
            }
            for (; j + 4 <= cols; j += 4) dots1x4(a, ao + i * aRs, b, bo + j * bCs, bCs, k, c, co + i * ldc + j, accumulate);
            for (; j < cols; j++) {
                float dot = VectorMath.dot(a, ao + i * aRs, b, bo + j * bCs, k);
                int ci = co + i * ldc + j;
                c[ci] = accumulate ? c[ci] + dot : dot;
            }
        }
    }

    /**
     * One row against eight columns (a matrix-vector product: one stream decoding), 8-lane vectors
     * only: eight FMA chains keep both FMA units busy where {@link #dots1x4}'s four wait out the
     * latency, and the eight sums come out of one {@link LaneMath#sums8} and go to C as one vector.
     */
    private static void dots1x8(float[] a, int ao, float[] b, int bo, int bCs, int k, float[] c, int co, boolean accumulate) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int p = 0;
        for (int b1 = bo + bCs, b2 = b1 + bCs, b3 = b2 + bCs, b4 = b3 + bCs, b5 = b4 + bCs, b6 = b5 + bCs, b7 = b6 + bCs;
             p <= k - L; p += L) {
            FloatVector x = FloatVector.fromArray(S, a, ao + p);
            s0 = x.fma(FloatVector.fromArray(S, b, bo + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
            s4 = x.fma(FloatVector.fromArray(S, b, b4 + p), s4);
            s5 = x.fma(FloatVector.fromArray(S, b, b5 + p), s5);
            s6 = x.fma(FloatVector.fromArray(S, b, b6 + p), s6);
            s7 = x.fma(FloatVector.fromArray(S, b, b7 + p), s7);
        }
        FloatVector d = LaneMath.sums8(s0, s1, s2, s3, s4, s5, s6, s7);
        if (p == k) {
            (accumulate ? FloatVector.fromArray(S, c, co).add(d) : d).intoArray(c, co);
            return;
        }
        for (int j = 0; j < 8; j++) { // k not a multiple of 8: the rest of each dot as dots1x4 adds it
            float dj = d.lane(j);
            for (int q = p; q < k; q++) dj += a[ao + q] * b[bo + j * bCs + q];
            c[co + j] = accumulate ? c[co + j] + dj : dj;
        }
    }

    /** One row against four columns (a matrix-vector product: one stream decoding): 5 loads per 4 FMAs. */
    private static void dots1x4(float[] a, int ao, float[] b, int bo, int bCs, int k, float[] c, int co, boolean accumulate) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        int p = 0;
        for (; p <= k - L; p += L) {
            FloatVector x = FloatVector.fromArray(S, a, ao + p);
            s0 = x.fma(FloatVector.fromArray(S, b, bo + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, bo + bCs + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, b, bo + 2 * bCs + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, b, bo + 3 * bCs + p), s3);
        }
        float d0, d1, d2, d3;
        if (L == 8) { // the four lane sums together (LaneMath.sums4), the same bits as one at a time
            FloatVector d = LaneMath.sums4(s0, s1, s2, s3);
            d0 = d.lane(0);
            d1 = d.lane(1);
            d2 = d.lane(2);
            d3 = d.lane(3);
        } else {
            d0 = LaneMath.sum(s0);
            d1 = LaneMath.sum(s1);
            d2 = LaneMath.sum(s2);
            d3 = LaneMath.sum(s3);
        }
        for (; p < k; p++) {
            float x = a[ao + p];
            d0 += x * b[bo + p];
            d1 += x * b[bo + bCs + p];
            d2 += x * b[bo + 2 * bCs + p];
            d3 += x * b[bo + 3 * bCs + p];
        }
        put(c, co, d0, d1, accumulate);
        put(c, co + 2, d2, d3, accumulate);
    }

    /** {@link #dots} for four rows and two columns: 6 loads per 8 FMAs, where one dot at a time needs 2 per FMA. */
    private static void dots4x2(float[] a, int ao, int aRs, float[] b, int bo, int bCs, int k,
                                float[] c, int co, int ldc, boolean accumulate) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S), s30 = FloatVector.zero(S), s31 = FloatVector.zero(S);
        int p = 0;
        for (; p <= k - L; p += L) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo + p), b1 = FloatVector.fromArray(S, b, bo + bCs + p);
            FloatVector x = FloatVector.fromArray(S, a, ao + p);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.fromArray(S, a, ao + aRs + p);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.fromArray(S, a, ao + 2 * aRs + p);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.fromArray(S, a, ao + 3 * aRs + p);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
        }
        float d00, d01, d10, d11, d20, d21, d30, d31;
        if (L == 8) { // the eight lane sums together (LaneMath.sums8), the same bits as one at a time
            FloatVector d = LaneMath.sums8(s00, s01, s10, s11, s20, s21, s30, s31);
            d00 = d.lane(0);
            d01 = d.lane(1);
            d10 = d.lane(2);
            d11 = d.lane(3);
            d20 = d.lane(4);
            d21 = d.lane(5);
            d30 = d.lane(6);
            d31 = d.lane(7);
        } else {
            d00 = LaneMath.sum(s00);
            d01 = LaneMath.sum(s01);
            d10 = LaneMath.sum(s10);
            d11 = LaneMath.sum(s11);
            d20 = LaneMath.sum(s20);
            d21 = LaneMath.sum(s21);
            d30 = LaneMath.sum(s30);
            d31 = LaneMath.sum(s31);
        }
        for (; p < k; p++) {
            float b0 = b[bo + p], b1 = b[bo + bCs + p];
            float a0 = a[ao + p], a1 = a[ao + aRs + p], a2 = a[ao + 2 * aRs + p], a3 = a[ao + 3 * aRs + p];
            d00 += a0 * b0;
            d01 += a0 * b1;
            d10 += a1 * b0;
            d11 += a1 * b1;
            d20 += a2 * b0;
            d21 += a2 * b1;
            d30 += a3 * b0;
            d31 += a3 * b1;
        }
        put(c, co, d00, d01, accumulate);
        put(c, co + ldc, d10, d11, accumulate);
        put(c, co + 2 * ldc, d20, d21, accumulate);
        put(c, co + 3 * ldc, d30, d31, accumulate);
    }

    private static void put(float[] c, int ci, float x, float y, boolean accumulate) {
        c[ci] = accumulate ? c[ci] + x : x;
        c[ci + 1] = accumulate ? c[ci + 1] + y : y;
    }
}
