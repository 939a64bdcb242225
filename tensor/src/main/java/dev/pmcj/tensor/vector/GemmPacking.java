package dev.pmcj.tensor.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

import static dev.pmcj.tensor.vector.Gemm.L;
import static dev.pmcj.tensor.vector.Gemm.MR;
import static dev.pmcj.tensor.vector.Gemm.NR;
import static dev.pmcj.tensor.vector.Gemm.S;

/**
 * {@link Gemm}'s packing: blocks of A as {@code MR}-row micro-panels and of B as {@code NR}-column
 * micro-panels, each laid out in the order {@link GemmKernels} reads it, so that the register tiles
 * stream contiguous memory whatever the operands' transposes.
 */
final class GemmPacking {
    private GemmPacking() {
    }

    /** A's {@code mc x kc} block as MR-row micro-panels: {@code ap[ir*kc + p*MR + ii]}, zero-padded rows. */
    static void packA(float[] a, int off, int rs, int cs, int mc, int kc, float[] ap) {
        packA(a, off, rs, cs, mc, kc, ap, 0, null, 0);
    }

    /** {@link #packA} into {@code ap} from {@code apOff}, adding the rows' sums into {@code sums} from {@code so} unless it is null (A transposed only). */
    static void packA(float[] a, int off, int rs, int cs, int mc, int kc, float[] ap, int apOff, float[] sums, int so) {
        if (cs == 1) {
            // Rows contiguous: each panel row read in order.
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir), base = apOff + ir * kc, src = off + ir * rs;
                int p = mr < MR ? 0 : MR == 8 ? transpose8(a, src, rs, kc, ap, base, MR) : L == 8 ? interleave4(a, src, rs, kc, ap, base) : 0;
                for (int ii = 0; ii < mr; ii++) {
                    for (int q = p; q < kc; q++) ap[base + q * MR + ii] = a[src + ii * rs + q];
                }
            }
        } else if (rs == 1) {
            // A transposed (weight gradients, X^T dY): the block's p-th column is a contiguous run of
            // mc floats. Runs of PACK_STEPS columns stay in L1 while each panel takes its part of
            // them: panel by panel over all of kc, every column's cache line was read once per panel,
            // a page apart for 1024 rows; column by column, the panels' write streams (kc * MR floats
            // apart) fell into a few L1 sets. A full panel's MR values are one vector store whose
            // extra lanes land where that panel's next columns go; the block's last columns, whose
            // extra lanes would reach the next panel, store only their MR lanes.
            int fullRows = mc - mc % MR;
            for (int p0 = 0; p0 < kc; p0 += PACK_STEPS) {
                int p1 = Math.min(kc, p0 + PACK_STEPS), last = off + (p1 - 1) * cs;
                int vectorRows = Math.max(0, Math.min(fullRows, Math.floorDiv(a.length - L - last, MR) * MR + MR));
                for (int ir = 0; ir < vectorRows; ir += MR) {
                    int dst = apOff + ir * kc, p = p0;
                    for (; p < Math.min(p1, kc - SPILL_STEPS); p++) {
                        FloatVector.fromArray(S, a, off + p * cs + ir).intoArray(ap, dst + p * MR);
                    }
                    for (; p < p1; p++) FloatVector.fromArray(S, a, off + p * cs + ir).intoArray(ap, dst + p * MR, PANEL_LANES);
                }
                for (int p = p0; p < p1; p++) {
                    int src = off + p * cs;
                    for (int ir = vectorRows; ir < mc; ir++) ap[apOff + (ir - ir % MR) * kc + p * MR + ir % MR] = a[src + ir];
                }
                // The rows' sums of these columns, each in k order; columnSums runs hot (every sumTo),
                // where a method of its own, called only from this branch, was once left at C1's tier 2
                // for whole runs, every vector boxed (3.0 MB a training step instead of 61 KB).
                if (sums != null) VectorMath.columnSums(a, off + p0 * cs, cs, p1 - p0, sums, so, 0, mc, true);
            }
        } else {
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir), base = apOff + ir * kc;
                for (int p = 0; p < kc; p++) {
                    int src = off + p * cs + ir * rs;
                    for (int ii = 0; ii < mr; ii++) ap[base + p * MR + ii] = a[src + ii * rs];
                }
            }
        }
        int filled = mc % MR; // the last panel's missing rows are zeros
        if (filled != 0) {
            int base = apOff + (mc - filled) * kc;
            for (int ii = filled; ii < MR; ii++) {
                for (int p = 0; p < kc; p++) ap[base + p * MR + ii] = 0f;
            }
        }
    }

    /**
     * Columns of a transposed A that {@link #packA} packs at a time: 8 columns of a 64-row block are
     * 32 cache lines (measured with 48-row blocks: a 48 x 256 block from 1024-float rows packed in
     * 7-12 us, against 16-21 panel by panel and 13-16 with 16 columns).
     */
    private static final int PACK_STEPS = 8;

    /** Columns of a panel that a vector store's lanes beyond the first MR reach. */
    private static final int SPILL_STEPS = (L - 1) / MR;

    /** The lanes of one A micro-panel's rows. */
    private static final VectorMask<Float> PANEL_LANES = VectorMask.fromLong(S, (1L << MR) - 1);

    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;

    private static VectorShuffle<Float> lanes(int... sources) {
        return VectorShuffle.fromValues(S8, sources);
    }

    /** Lanes of two vectors (the second's as 8 + lane): their halves zipped, then pairs of each half taken in turn. */
    private static final VectorShuffle<Float> ZIP_LOW = lanes(0, 8, 1, 9, 2, 10, 3, 11),
            ZIP_HIGH = lanes(4, 12, 5, 13, 6, 14, 7, 15),
            PAIRS_LOW = lanes(0, 1, 8, 9, 2, 3, 10, 11),
            PAIRS_HIGH = lanes(4, 5, 12, 13, 6, 7, 14, 15);

    /**
     * A full 4-row panel's leading multiple of 8 columns, interleaved ({@code ap[base + p*4 + i] =
     * row i's p}) eight columns at a time with lane shuffles (8-lane vectors only): rows zipped in
     * pairs, then the pairs' pairs. Returns the columns done. The scalar loop wrote one float per
     * instruction and was an eighth of small products' time (the demo's fine-tuning, attention tiles).
     */
    private static int interleave4(float[] a, int src, int rs, int kc, float[] ap, int base) {
        int p = 0;
        for (; p + 8 <= kc; p += 8) {
            FloatVector x = FloatVector.fromArray(S8, a, src + p), y = FloatVector.fromArray(S8, a, src + rs + p);
            FloatVector z = FloatVector.fromArray(S8, a, src + 2 * rs + p), w = FloatVector.fromArray(S8, a, src + 3 * rs + p);
            FloatVector xy = x.rearrange(ZIP_LOW, y), zw = z.rearrange(ZIP_LOW, w);
            int d = base + p * MR;
            xy.rearrange(PAIRS_LOW, zw).intoArray(ap, d);
            xy.rearrange(PAIRS_HIGH, zw).intoArray(ap, d + 8);
            xy = x.rearrange(ZIP_HIGH, y);
            zw = z.rearrange(ZIP_HIGH, w);
            xy.rearrange(PAIRS_LOW, zw).intoArray(ap, d + 16);
            xy.rearrange(PAIRS_HIGH, zw).intoArray(ap, d + 24);
        }
        return p;
    }

    /** B's {@code kc x nc} block as NR-column micro-panels from {@code bpOff}: {@code bp[bpOff + jr*kc + p*NR + jj]}, zero-padded columns. */
    static void packB(float[] b, int off, int rs, int cs, int kc, int nc, float[] bp, int bpOff) {
        if (cs == 1) {
            packRows(b, off, rs, 0, kc, kc, nc, bp, bpOff);
            return;
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), base = bpOff + jr * kc, jj = 0;
            if (rs == 1 && L >= 8) { // B transposed (a linear layer's weights, attention's keys): eight columns at a time
                for (; jj + 8 <= nr; jj += 8) transpose8(b, off + (jr + jj) * cs, cs, kc, bp, base + jj, NR);
            }
            for (; jj < nr; jj++) {
                int src = off + (jr + jj) * cs;
                for (int p = 0; p < kc; p++) bp[base + p * NR + jj] = b[src + p * rs];
            }
            for (jj = nr; jj < NR; jj++) {
                for (int p = 0; p < kc; p++) bp[base + p * NR + jj] = 0f;
            }
        }
    }

    /**
     * Rows {@code [r0, r1)} of a row-major B block ({@code kc} deep, {@code nc} wide) into its packed
     * panels, as {@link #packB} lays them: each row read in one sweep across all panels. Panel by
     * panel, every row was a page-strided load of one cache line, waiting on memory.
     */
    static void packRows(float[] b, int off, int rs, int r0, int r1, int kc, int nc, float[] bp, int bpOff) {
        int full = nc - nc % NR;
        for (int p = r0; p < r1; p++) {
            int src = off + p * rs, dst = bpOff + p * NR;
            // arraycopy rather than vector loads and stores: a JVM that left this method at C1's
            // tier 2 ran the Vector API's Java fallback, a heap vector per load (1 GB/s of garbage).
            for (int jr = 0; jr < full; jr += NR) System.arraycopy(b, src + jr, bp, dst + jr * kc, NR);
            if (full < nc) {
                System.arraycopy(b, src + full, bp, dst + full * kc, nc - full);
                Arrays.fill(bp, dst + full * kc + nc - full, dst + full * kc + NR, 0f);
            }
        }
    }

    /** Lane pairs of two vectors (the second's as 8 + lane), for the three rounds of an 8 x 8 transpose. */
    private static final VectorShuffle<Float> EVEN = lanes(0, 8, 2, 10, 4, 12, 6, 14),
            ODD = lanes(1, 9, 3, 11, 5, 13, 7, 15),
            LOW2 = lanes(0, 1, 8, 9, 4, 5, 12, 13),
            HIGH2 = lanes(2, 3, 10, 11, 6, 7, 14, 15),
            LOW4 = lanes(0, 1, 2, 3, 8, 9, 10, 11),
            HIGH4 = lanes(4, 5, 6, 7, 12, 13, 14, 15);

    /**
     * Eight rows ({@code b[src + j*cs + p]}, {@code kc} long) into the eight lanes of a packed
     * panel whose steps are {@code ds} floats apart ({@code bp[dst + p*ds + j]}): a transposed B's
     * columns into a B panel, or a full 8-row A panel. 8 x 8 blocks are transposed in registers,
     * three rounds of lane pairs, where the scalar loop stored one float per instruction. For A it
     * replaced an 8-lane gather per column, which on the Zen 5 packed a 1024 product's A in 1.3 ms
     * of thread time against 0.31. Returns {@code kc}, the columns done.
     */
    private static int transpose8(float[] b, int src, int cs, int kc, float[] bp, int dst, int ds) {
        int p = 0;
        for (; p + 8 <= kc; p += 8) {
            int s0 = src + p;
            FloatVector v0 = FloatVector.fromArray(S8, b, s0), v1 = FloatVector.fromArray(S8, b, s0 + cs);
            FloatVector v2 = FloatVector.fromArray(S8, b, s0 + 2 * cs), v3 = FloatVector.fromArray(S8, b, s0 + 3 * cs);
            FloatVector v4 = FloatVector.fromArray(S8, b, s0 + 4 * cs), v5 = FloatVector.fromArray(S8, b, s0 + 5 * cs);
            FloatVector v6 = FloatVector.fromArray(S8, b, s0 + 6 * cs), v7 = FloatVector.fromArray(S8, b, s0 + 7 * cs);
            FloatVector a0 = v0.rearrange(EVEN, v1), a1 = v0.rearrange(ODD, v1), a2 = v2.rearrange(EVEN, v3), a3 = v2.rearrange(ODD, v3);
            FloatVector a4 = v4.rearrange(EVEN, v5), a5 = v4.rearrange(ODD, v5), a6 = v6.rearrange(EVEN, v7), a7 = v6.rearrange(ODD, v7);
            FloatVector b0 = a0.rearrange(LOW2, a2), b1 = a0.rearrange(HIGH2, a2), b2 = a1.rearrange(LOW2, a3), b3 = a1.rearrange(HIGH2, a3);
            FloatVector b4 = a4.rearrange(LOW2, a6), b5 = a4.rearrange(HIGH2, a6), b6 = a5.rearrange(LOW2, a7), b7 = a5.rearrange(HIGH2, a7);
            int d = dst + p * ds;
            b0.rearrange(LOW4, b4).intoArray(bp, d);
            b2.rearrange(LOW4, b6).intoArray(bp, d + ds);
            b1.rearrange(LOW4, b5).intoArray(bp, d + 2 * ds);
            b3.rearrange(LOW4, b7).intoArray(bp, d + 3 * ds);
            b0.rearrange(HIGH4, b4).intoArray(bp, d + 4 * ds);
            b2.rearrange(HIGH4, b6).intoArray(bp, d + 5 * ds);
            b1.rearrange(HIGH4, b5).intoArray(bp, d + 6 * ds);
            b3.rearrange(HIGH4, b7).intoArray(bp, d + 7 * ds);
        }
        for (; p < kc; p++) {
            for (int j = 0; j < 8; j++) bp[dst + p * ds + j] = b[src + j * cs + p];
        }
        return kc;
    }
}
