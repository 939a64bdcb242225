package dev.pmcj.tensor.vector;

import jdk.incubator.vector.FloatVector;

import static dev.pmcj.tensor.vector.Gemm.L;
import static dev.pmcj.tensor.vector.Gemm.MR;
import static dev.pmcj.tensor.vector.Gemm.NR;
import static dev.pmcj.tensor.vector.Gemm.S;

/**
 * {@link Gemm}'s register tiles: an {@code MR x NR} block of C from one packed A micro-panel and one
 * packed B micro-panel ({@link GemmPacking}), and the one-row kernel for decoding against weights
 * packed once. Every element's products are chained in k order from zero and added to C after the
 * k-block, so every path gives the same bits.
 */
final class GemmKernels {
    private GemmKernels() {
    }

    /**
     * {@code C[0:MR, 0:NR] (+)= Ap-panel * Bp-panel} ({@code overwrite}: stores instead of adding, for
     * the first k-block of a non-accumulating product), by the register tile of this processor's
     * vectors: {@link #kernel4} or {@link #kernel8}. Every element's products are chained in k order
     * either way, so both give the same bits.
     */
    static void kernel(float[] ap, int ao, float[] bp, int bo, int kc, float[] c, int co, int ldc, boolean overwrite) {
        if (MR == 8) kernel8(ap, ao, bp, bo, kc, c, co, ldc, overwrite);
        else kernel4(ap, ao, bp, bo, kc, c, co, ldc, overwrite);
    }

    /**
     * The 4 x 2-vector tile, all 8 accumulators in registers. The stores stay in this method: with
     * the accumulators passed to a helper, C2 boxed them and the kernel ran at a third of its speed.
     */
    private static void kernel4(float[] ap, int ao, float[] bp, int bo, int kc, float[] c, int co, int ldc, boolean overwrite) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        // One check up front lets the JIT drop the per-iteration bounds checks (measured: 1.7x faster).
        if (ao < 0 || bo < 0 || ao + kc * MR > ap.length || bo + kc * NR > bp.length) {
            throw new IndexOutOfBoundsException("packed panels too short for kc " + kc);
        }
        // One induction variable: B's index follows A's (NR = MR * STRIDES), where p * MR and p * NR
        // cost C2 six integer instructions a step beside the FMAs.
        for (int ai = ao, end = ao + kc * MR, shift = bo - ao * STRIDES; ai < end; ai += MR) {
            int bi = ai * STRIDES + shift;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        if (overwrite) {
            c00.intoArray(c, co);
            c01.intoArray(c, co + L);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + L);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + L);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + L);
            return;
        }
        c00.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
        c01.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
        c10.add(FloatVector.fromArray(S, c, co + ldc)).intoArray(c, co + ldc);
        c11.add(FloatVector.fromArray(S, c, co + ldc + L)).intoArray(c, co + ldc + L);
        c20.add(FloatVector.fromArray(S, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc);
        c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + L)).intoArray(c, co + 2 * ldc + L);
        c30.add(FloatVector.fromArray(S, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc);
        c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + L)).intoArray(c, co + 3 * ldc + L);
    }

    /**
     * The 8 x 2-vector tile for 32 vector registers (AVX-512): 16 accumulators, 2 B vectors and 8
     * broadcasts. With {@link #kernel4}'s 8 accumulators an AVX-512 core had exactly as many
     * independent FMA chains as its two FMA ports times the FMA latency need, and any stall of a
     * load showed: 0.61-0.67 of the FMA peak for the 1024 product on two cores.
     */
    private static void kernel8(float[] ap, int ao, float[] bp, int bo, int kc, float[] c, int co, int ldc, boolean overwrite) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        if (ao < 0 || bo < 0 || ao + kc * MR > ap.length || bo + kc * NR > bp.length) {
            throw new IndexOutOfBoundsException("packed panels too short for kc " + kc);
        }
        for (int ai = ao, end = ao + kc * MR, shift = bo - ao * STRIDES; ai < end; ai += MR) {
            int bi = ai * STRIDES + shift;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        if (!overwrite) {
            c00 = c00.add(FloatVector.fromArray(S, c, co));
            c01 = c01.add(FloatVector.fromArray(S, c, co + L));
            c10 = c10.add(FloatVector.fromArray(S, c, co + ldc));
            c11 = c11.add(FloatVector.fromArray(S, c, co + ldc + L));
            c20 = c20.add(FloatVector.fromArray(S, c, co + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + L));
            c30 = c30.add(FloatVector.fromArray(S, c, co + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + L));
            c40 = c40.add(FloatVector.fromArray(S, c, co + 4 * ldc));
            c41 = c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + L));
            c50 = c50.add(FloatVector.fromArray(S, c, co + 5 * ldc));
            c51 = c51.add(FloatVector.fromArray(S, c, co + 5 * ldc + L));
            c60 = c60.add(FloatVector.fromArray(S, c, co + 6 * ldc));
            c61 = c61.add(FloatVector.fromArray(S, c, co + 6 * ldc + L));
            c70 = c70.add(FloatVector.fromArray(S, c, co + 7 * ldc));
            c71 = c71.add(FloatVector.fromArray(S, c, co + 7 * ldc + L));
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + L);
    }

    /** B's column panels per {@link #rowKernel}: eight accumulators, as many as {@link #kernel4} keeps. */
    static final int ROW_PANELS = 4;

    /**
     * {@code C[0, 0:cols] (+)=} one row of A ({@code kc} contiguous floats) times four of B's packed
     * column panels (at {@code b0..b3}; past the last panel, repeats of it whose sums are not stored),
     * for a few rows of A, where {@link #kernel} would spend most of its FMAs on A's zero padding.
     * Each column's products are chained in k order from zero and added to C after the k-block, as
     * in {@link #kernel}: a stream decodes to the same bits alone as beside others. Edge groups go
     * through {@code tile} ({@code 4 * NR} floats).
     */
    static void rowKernel(float[] a, int ao, float[] bp, int b0, int b1, int b2, int b3, int kc,
                          float[] c, int co, int cols, boolean overwrite, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int bMax = Math.max(Math.max(b0, b1), Math.max(b2, b3));
        if (ao < 0 || ao + kc > a.length || Math.min(Math.min(b0, b1), Math.min(b2, b3)) < 0 || bMax + kc * NR > bp.length) {
            throw new IndexOutOfBoundsException("row or packed panels too short for kc " + kc);
        }
        for (int p = ao, o = 0, end = ao + kc; p < end; p++, o += NR) {
            FloatVector x = FloatVector.broadcast(S, a[p]);
            c00 = x.fma(FloatVector.fromArray(S, bp, b0 + o), c00);
            c01 = x.fma(FloatVector.fromArray(S, bp, b0 + o + L), c01);
            c10 = x.fma(FloatVector.fromArray(S, bp, b1 + o), c10);
            c11 = x.fma(FloatVector.fromArray(S, bp, b1 + o + L), c11);
            c20 = x.fma(FloatVector.fromArray(S, bp, b2 + o), c20);
            c21 = x.fma(FloatVector.fromArray(S, bp, b2 + o + L), c21);
            c30 = x.fma(FloatVector.fromArray(S, bp, b3 + o), c30);
            c31 = x.fma(FloatVector.fromArray(S, bp, b3 + o + L), c31);
        }
        boolean whole = cols == ROW_PANELS * NR;
        float[] dst = whole ? c : tile;
        int d = whole ? co : 0;
        if (whole && !overwrite) {
            c00 = c00.add(FloatVector.fromArray(S, c, d));
            c01 = c01.add(FloatVector.fromArray(S, c, d + L));
            c10 = c10.add(FloatVector.fromArray(S, c, d + 2 * L));
            c11 = c11.add(FloatVector.fromArray(S, c, d + 3 * L));
            c20 = c20.add(FloatVector.fromArray(S, c, d + 4 * L));
            c21 = c21.add(FloatVector.fromArray(S, c, d + 5 * L));
            c30 = c30.add(FloatVector.fromArray(S, c, d + 6 * L));
            c31 = c31.add(FloatVector.fromArray(S, c, d + 7 * L));
        }
        c00.intoArray(dst, d);
        c01.intoArray(dst, d + L);
        c10.intoArray(dst, d + 2 * L);
        c11.intoArray(dst, d + 3 * L);
        c20.intoArray(dst, d + 4 * L);
        c21.intoArray(dst, d + 5 * L);
        c30.intoArray(dst, d + 6 * L);
        c31.intoArray(dst, d + 7 * L);
        if (!whole) merge(tile, 1, cols, c, co, 0, overwrite);
    }

    /** B's index per step of A's in the kernel: NR / MR. */
    private static final int STRIDES = NR / MR;

    /** Adds (or, for the first k-block of an overwriting product, stores) an edge tile's valid {@code mr x nr} corner. */
    static void merge(float[] tile, int mr, int nr, float[] c, int co, int ldc, boolean overwrite) {
        for (int i = 0; i < mr; i++) {
            if (overwrite) System.arraycopy(tile, i * NR, c, co + i * ldc, nr);
            else for (int j = 0; j < nr; j++) c[co + i * ldc + j] += tile[i * NR + j];
        }
    }
}
