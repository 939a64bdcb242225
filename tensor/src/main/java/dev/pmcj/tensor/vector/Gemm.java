package dev.pmcj.tensor.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Single-precision matrix product the BLIS way. {@code C (+)= A B} where element {@code (i, k)} of A
 * sits at {@code a[aOff + i*aRs + k*aCs]} (row-major A has {@code aCs = 1}, a transposed one
 * {@code aRs = 1}), likewise B, and C is row-major with leading dimension {@code ldc}.
 *
 * <p>Large products pack a {@code KC x NC} block of B and an {@code MC x KC} block of A into
 * contiguous per-thread buffers laid out micro-panel by micro-panel, then a {@code MR x NR} register
 * tile (4 rows times two vectors = 8 FMA accumulators; 8 rows on AVX-512) runs over them. C2 issues all of a step's
 * row broadcasts and B loads before its FMAs, so a tile needs accumulators + B vectors + rows
 * registers: 8 + 2 + 4 fit AVX2's 16, where 4 rows of three vectors spilled three accumulators to
 * the stack every step and ran at half the speed (38 against 80 GFLOP/s on one core). Against 3 rows
 * of three vectors, 4 x 16 leaves no edge panel at widths that are multiples of 16 (128, 256, 512,
 * 1024), whose last 8 or 16 columns a 24-wide panel computed whole.
 * The B micro-panel stays in L1, the A block in L2. One large product shares each packed B block
 * among the threads (they pack it together, then take row blocks of C); batched ones split C into
 * disjoint parts that pack their own blocks. Small products (and matrix-vector shaped ones,
 * where packing would cost as much as the arithmetic) take a direct path with no packing.
 */
final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of the register tile: 4 with AVX2's 16 vector registers, 8 with AVX-512's 32 ({@link #kernel}). */
    static final int MR = L >= 16 ? 8 : 4;
    static final int NR = 2 * L;
    /**
     * Depth of a packed k-block. With AVX-512, 512: the 8 x 32 tile's B micro-panel (64 KB) then
     * streams from L2, A's (16 KB) stays in L1, and the 1024 product ran 1.038x faster than with 256
     * on the Zen 5 (bench/ab; small step and decoding unchanged). AVX2's 4 x 16 tile keeps 256: at
     * 512 its micro-panel (32 KB) would fill a Zen 3's L1 (not measured).
     */
    static final int KC = L >= 16 ? 512 : 256;
    static final int MC = 32 * MR;
    static final int NC = 96 * NR;
    /** How much of k one large product packs at once ({@link #sharedPacked}): two k-blocks with AVX-512, four with AVX2. */
    static final int KG = 1024;
    /** At most this many rows of C per item of {@link #sharedPacked}: 16 micro-panels, enough items for the counter to balance. */
    static final int SHARED_ROWS = 16 * MR;
    /**
     * From this many rows of C a large product shares its packed B ({@link #sharedPacked}). Below it
     * the threads split C's columns and each packs its own part of B, which stays in its own L2
     * (2 MB on the Xeon) for all the rows, where the shared B lived in L3 and each row block streamed
     * it again: a GPT-2 layer's products (256-row forward and dX, dW unchanged) ran 1.075x faster (AVX-512; 1.031x with
     * AVX2 on the same machine), its head 1.046x; a 1024 product stays faster shared (0.949x split).
     */
    static final int SHARED_MIN_ROWS = 512;

    /**
     * At or below this many multiply-adds a product is computed directly. Squares of 16 and more ran
     * 1.6-3.2x faster packed, whatever the transposes (one thread, 16 to 64 wide); at 8 the two tie.
     */
    static final long DIRECT_MAX = 8 * 8 * 8;
    /** Rows up to this count are matrix-vector shaped: packing B would not pay. */
    static final int DIRECT_ROWS = 4;
    /**
     * Up to this many rows, {@code A B^T} with A row-major (decoding a batch of streams: activations
     * times weights) takes the direct path's dot tiles: packing the weights again every call cost
     * as much as the arithmetic.
     */
    static final int DIRECT_DOT_ROWS = 32;
    /** Below this many multiply-adds in total the hand-off to other threads costs more than it saves. */
    static final long PARALLEL_MIN = 1L << 20;
    /**
     * The same for products of more than {@link #DIRECT_ROWS} rows, whose parts each reuse the loaded
     * weights across rows: with the pool's helpers polling between jobs, 32 decoding streams' 32 x 64
     * x 64 products gained 7-39% from two threads (four alternating runs), where a matrix-vector
     * product (one stream) lost.
     */
    static final long PARALLEL_MIN_ROWS = 1L << 14;
    /**
     * The same for products with a packed weight ({@link #timesPacked}), which run about twice as
     * fast as the direct path's: 32 decoding streams ran 1.37x HEAD's speed with 2^18 (the 32 x 172
     * x 64 products and the head on two threads, the 32 x 64 x 64 ones on one), 1.29x with 2^14,
     * 1.20x with 2^20 and 1.14x on one thread only (bench/ab decode32, 20 rounds each).
     */
    static final long PARALLEL_MIN_PACKED = 1L << 18;

    /**
     * From this depth, a product of fewer than {@link #SHARED_MIN_ROWS} rows and k at least eight
     * times its other sides (a vocabulary-wide head's input gradient: 256 x 768 over 50,257) is cut
     * along k into {@link #K_SLICES} slices ({@link #slicedK}): split by columns, every part packed
     * all of A, four times over on 2 cores.
     */
    static final int SLICED_MIN_K = 4096;
    /** Slices of a k-sliced product: fixed, not the thread count, so that one kind of processor sums k in one order on any core count. */
    static final int K_SLICES = 4;

    /** Per-thread packing buffers, allocated once per thread and reused. */
    private static final class Scratch {
        final float[] ap = new float[Math.max(MC * KC, SHARED_ROWS * KG) + L];
        final float[] bp = new float[KC * NC];
        final float[] tile = new float[MR * NR];
        final int[] band = new int[MC / MR * 3];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    /** The calling thread's buffer for a k-sliced product's slices past the first, grown as needed. */
    private static final ThreadLocal<float[][]> SLICES = ThreadLocal.withInitial(() -> new float[1][0]);

    private Gemm() {
    }

    /**
     * {@code batches} products; the operands of batch {@code i} start at {@code off + i * batchStride}
     * ({@code bBatchStride = 0} shares one b). A is {@code m x k} ({@code k x m} stored when transA),
     * B is {@code k x n} ({@code n x k} when transB), C is {@code m x n}; all dense.
     */
    static void matmul(float[] a, int aOff, int aBatchStride, boolean transA,
                       float[] b, int bOff, int bBatchStride, boolean transB,
                       float[] c, int cOff, int batches, int m, int n, int k, boolean accumulate) {
        if (batches == 0 || m == 0 || n == 0) return;
        int aRs = transA ? 1 : k, aCs = transA ? m : 1;
        int bRs = transB ? 1 : n, bCs = transB ? k : 1;
        long macs = (long) m * n * k;
        boolean direct = direct(m, n, k, transA, transB);
        boolean parallel = macs * batches >= (m > DIRECT_ROWS ? PARALLEL_MIN_ROWS : PARALLEL_MIN);
        if (batches == 1 && sharesPacking(m, n, k)) {
            sharedPacked(a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, n, m, n, k, accumulate, null, 0);
            return;
        }
        if (batches == 1 && parallel && !direct && m < SHARED_MIN_ROWS && k >= SLICED_MIN_K && k >= 8L * Math.max(m, n)) {
            slicedK(a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, m, n, k, accumulate);
            return;
        }
        // Several parts per thread, so the item counter can rebalance when a core is busy elsewhere:
        // two where each part packs its own blocks, four on the direct path, which packs nothing (32
        // decoding streams ran 5-7% faster than with two, bench/ab); cut the longer side first,
        // keeping parts at least one register tile wide.
        int target = parallel ? ceilDiv((direct ? 4 : 2) * Parallel.THREADS, batches) : 1;
        int pm = 1, pn = 1;
        while (pm * pn < target) {
            boolean canN = ceilDiv(n, pn + 1) >= NR, canM = ceilDiv(m, pm + 1) >= MR;
            if (canN && (!canM || n / pn >= m / pm)) pn++;
            else if (canM) pm++;
            else break;
        }
        int chunkM = ceilDiv(ceilDiv(m, pm), MR) * MR, chunkN = ceilDiv(ceilDiv(n, pn), NR) * NR;
        int partsM = ceilDiv(m, chunkM), partsN = ceilDiv(n, chunkN), perBatch = partsM * partsN;
        Parallel.forEach(batches * perBatch, parallel, item -> {
            int batch = item / perBatch, part = item % perBatch;
            int i0 = (part / partsN) * chunkM, j0 = (part % partsN) * chunkN;
            int mm = Math.min(chunkM, m - i0), nn = Math.min(chunkN, n - j0);
            int ao = aOff + batch * aBatchStride + i0 * aRs;
            int bo = bOff + batch * bBatchStride + j0 * bCs;
            int co = cOff + batch * m * n + i0 * n + j0;
            if (direct) {
                direct(a, ao, aRs, aCs, b, bo, bRs, bCs, c, co, n, mm, nn, k, accumulate);
            } else {
                packed(a, ao, aRs, aCs, b, bo, bRs, bCs, c, co, n, mm, nn, k, accumulate);
            }
        });
    }

    /**
     * C (+)= A B in {@link #K_SLICES} slices of k (whole k-blocks), each packing only its own part of
     * A; with more threads than slices, each slice's columns are split as well. The first slice
     * writes C, the others buffers that are then added to C in slice order.
     */
    private static void slicedK(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                                float[] c, int cOff, int m, int n, int k, boolean accumulate) {
        int depth = ceilDiv(ceilDiv(k, K_SLICES), KC) * KC, slices = ceilDiv(k, depth), mn = m * n;
        float[][] holder = SLICES.get();
        if (holder[0].length < (slices - 1) * mn) holder[0] = new float[(slices - 1) * mn];
        float[] rest = holder[0];
        int wanted = Math.max(1, Math.min(ceilDiv(2 * Parallel.THREADS, slices), n / NR));
        int chunkN = ceilDiv(ceilDiv(n, wanted), NR) * NR, columnParts = ceilDiv(n, chunkN);
        Parallel.forEach(slices * columnParts, true, item -> {
            int slice = item / columnParts, j0 = item % columnParts * chunkN, k0 = slice * depth;
            int nn = Math.min(chunkN, n - j0), kk = Math.min(depth, k - k0);
            float[] out = slice == 0 ? c : rest;
            int oOff = slice == 0 ? cOff + j0 : (slice - 1) * mn + j0;
            packed(a, aOff + k0 * aCs, aRs, aCs, b, bOff + k0 * bRs + j0 * bCs, bRs, bCs, out, oOff, n, m, nn, kk,
                    slice == 0 && accumulate);
        });
        for (int slice = 1; slice < slices; slice++) VectorMath.axpy(1f, rest, (slice - 1) * mn, c, cOff, mn); // fma(1, x, y) = x + y
    }

    private static boolean direct(int m, int n, int k, boolean transA, boolean transB) {
        return (long) m * n * k <= DIRECT_MAX || m <= DIRECT_ROWS || (transB && !transA && m <= DIRECT_DOT_ROWS);
    }

    /** Whether one product of these sizes runs as {@link #sharedPacked} (with this many rows the transposes do not matter). */
    static boolean sharesPacking(int m, int n, int k) {
        return m >= SHARED_MIN_ROWS && !direct(m, n, k, false, false) && (long) m * n * k >= PARALLEL_MIN_ROWS;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    // ---- direct path ---------------------------------------------------------------------------

    static void direct(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
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

    // ---- packed path ---------------------------------------------------------------------------

    static void packed(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                       float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        packed(a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, m, n, k, accumulate, null, null, 0);
    }

    /**
     * {@link #packed} under a causal mask ({@code causal} non-null): query {@code r} of an attention
     * tile sees keys up to {@code pos[from + r]}, and the register tiles and k-steps that would only
     * touch masked entries are skipped (see {@link Causal} for what C then holds).
     */
    static void packed(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                       float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate,
                       Causal causal, int[] pos, int from) {
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        Scratch s = SCRATCH.get();
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean overwrite = !accumulate && pc == 0; // the first k-block stores, saving a pass zeroing C
                packB(b, bOff + pc * bRs + jc * bCs, bRs, bCs, kc, nc, s.bp, 0);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(a, aOff + ic * aRs + pc * aCs, aRs, aCs, mc, kc, s);
                    int[] band = causal == null ? null : causal.band(pos, from, ic, mc, jc, pc, kc, k, s.band);
                    blocks(s, 0, s.bp, 0, 0, 1, kc, mc, nc, c, cOff + ic * ldc + jc, ldc, overwrite, band);
                }
            }
        }
    }

    /**
     * How a causal mask lies over one product of an attention tile's queries and keys. For each row
     * panel of a block, {@link #band} gives the columns of C it needs and the k-steps that are not
     * zero in A, so that a masked product does the work of the triangle, not of the square.
     */
    enum Causal {
        /**
         * C is queries x keys (S = Q K^T, dP = dO V^T): the register tiles wholly right of a row
         * panel's last visible key are left unwritten, whatever C held.
         */
        SCORES,
        /** C is queries x features and k runs over keys (O = P V, dQ = dS K): k stops after the panel's last visible key. */
        BY_KEYS,
        /** C is keys x features and k runs over the tile's queries (dV = P^T dO, dK = dS^T Q): k starts at the first query that sees the panel's first key. */
        BY_QUERIES;

        /**
         * Per MR-row panel of C's block (rows from {@code i0}, {@code mc} of them; columns from
         * {@code j0}; k from {@code p0}, {@code kc} deep, of {@code k} in all), three ints into
         * {@code band}: the columns it needs and the k-steps it needs, from and to, all relative to
         * the block.
         */
        int[] band(int[] pos, int from, int i0, int mc, int j0, int p0, int kc, int k, int[] band) {
            for (int ir = 0, at = 0; ir < mc; ir += MR, at += 3) {
                int rows = Math.min(MR, mc - ir), columns = Integer.MAX_VALUE, kFrom = 0, kTo = kc;
                switch (this) {
                    case SCORES -> columns = lastKey(pos, from + i0 + ir, rows) + 1 - j0;
                    case BY_KEYS -> kTo = Math.clamp(lastKey(pos, from + i0 + ir, rows) + 1L - p0, 0, kc);
                    case BY_QUERIES -> kFrom = Math.clamp(firstQuery(pos, from, k, i0 + ir) - (long) p0, 0, kc);
                }
                band[at] = columns;
                band[at + 1] = kFrom;
                band[at + 2] = kTo;
            }
            return band;
        }

        private static int lastKey(int[] pos, int at, int rows) {
            int last = pos[at];
            for (int r = 1; r < rows; r++) last = Math.max(last, pos[at + r]);
            return last;
        }

        /** The first of {@code queries} queries from {@code from} that sees {@code key}; {@code queries} if none does. */
        private static int firstQuery(int[] pos, int from, int queries, int key) {
            int r = 0;
            while (r < queries && pos[from + r] < key) r++;
            return r;
        }
    }

    /**
     * C's {@code mc x nc} block (+)= the packed A block in {@code s.ap} times the packed B block
     * {@code bp}, over {@code kBlocks} k-blocks packed one after another ({@code aStride} and
     * {@code bStride} floats apart, B's from {@code bOff}; all but the last {@code KC} deep). For
     * each column panel the k-blocks go innermost, so that the panel's tiles of C are added to while
     * they are still in L1, rather than fetched again from memory after the whole B block has
     * streamed by. A {@link Causal#band} (one k-block only; null for none) limits each row panel to
     * its part of C and of k.
     */
    private static void blocks(Scratch s, int aStride, float[] bp, int bOff, int bStride, int kBlocks, int lastKc,
                               int mc, int nc, float[] c, int co, int ldc, boolean overwrite, int[] band) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int kb = 0; kb < kBlocks; kb++) {
                int kc = kb == kBlocks - 1 ? lastKc : KC;
                boolean store = overwrite && kb == 0;
                for (int ir = 0; ir < mc; ir += MR) {
                    int mr = Math.min(MR, mc - ir), ci = co + ir * ldc + jr, k0 = 0, k1 = kc;
                    if (band != null) {
                        int at = ir / MR * 3;
                        if (jr >= band[at]) continue;
                        k0 = band[at + 1];
                        k1 = Math.max(k0, band[at + 2]);
                        if (k0 == k1 && !store) continue;
                    }
                    int ao = kb * aStride + ir * kc + k0 * MR, bo = bOff + kb * bStride + jr * kc + k0 * NR;
                    if (mr == MR && nr == NR) {
                        kernel(s.ap, ao, bp, bo, k1 - k0, c, ci, ldc, store);
                    } else {
                        kernel(s.ap, ao, bp, bo, k1 - k0, s.tile, 0, NR, true);
                        merge(s.tile, mr, nr, c, ci, ldc, store);
                    }
                }
            }
        }
    }

    /**
     * W ({@code [n, k]}, row-major from {@code off}) as B = W^T, packed once for {@link #timesPacked}:
     * k-block after k-block ({@code KC} deep, the last shorter), each as {@code ceil(n / NR)} column
     * micro-panels laid out as {@link #packB} lays them.
     */
    static float[] packTransposed(float[] w, int off, int n, int k) {
        int panels = ceilDiv(n, NR);
        float[] bp = new float[panels * NR * k];
        for (int pc = 0; pc < k; pc += KC) packB(w, off + pc, 1, k, Math.min(KC, k - pc), n, bp, pc * panels * NR);
        return bp;
    }

    /**
     * {@code C[m, n] (+)= A[m, k] B} with B from {@link #packTransposed}; A and C row-major. Parts are
     * runs of B's column panels, each packing A itself: A is a few rows (decoding), B the weights.
     */
    static void timesPacked(float[] a, int aOff, float[] bp, float[] c, int cOff, int m, int n, int k, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) Arrays.fill(c, cOff, cOff + m * n, 0f);
            return;
        }
        int panels = ceilDiv(n, NR);
        boolean parallel = (long) m * n * k >= PARALLEL_MIN_PACKED;
        int parts = parallel ? Math.min(panels, 2 * Parallel.THREADS) : 1;
        Parallel.forEach(parts, parallel, part -> {
            int j0 = part * panels / parts * NR, nc = Math.min(n, (part + 1) * panels / parts * NR) - j0;
            Scratch s = SCRATCH.get();
            if (m < MR) { // one or a few streams decoding: each row against the panels, A not packed
                for (int i = 0; i < m; i++) {
                    for (int pc = 0; pc < k; pc += KC) {
                        int kc = Math.min(KC, k - pc), block = pc * panels * NR, span = NR * kc;
                        for (int jg = j0; jg < j0 + nc; jg += ROW_PANELS * NR) {
                            int cols = Math.min(ROW_PANELS * NR, j0 + nc - jg), first = jg / NR, last = (jg + cols - 1) / NR;
                            rowKernel(a, aOff + i * k + pc, bp, block + first * span, block + Math.min(first + 1, last) * span,
                                    block + Math.min(first + 2, last) * span, block + Math.min(first + 3, last) * span, kc,
                                    c, cOff + i * n + jg, cols, !accumulate && pc == 0, s.tile);
                        }
                    }
                }
                return;
            }
            for (int ic = 0; ic < m; ic += MC) {
                int mc = Math.min(MC, m - ic);
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    packA(a, aOff + ic * k + pc, k, 1, mc, kc, s);
                    blocks(s, 0, bp, pc * panels * NR + j0 * kc, 0, 1, kc, mc, nc, c, cOff + ic * n + j0, n,
                            !accumulate && pc == 0, null);
                }
            }
        });
    }

    /** Rows of a row-major B block per packing item of {@link #sharedPacked}. */
    private static final int PACK_ROWS = 32;

    /** The calling thread's B blocks, shared with the pool's helpers during {@link #sharedPacked}. */
    private static final ThreadLocal<float[]> SHARED_B = ThreadLocal.withInitial(() -> new float[KG * NC]);

    /**
     * One large product on all cores, as BLIS threads it: the threads pack B's blocks together, panel
     * by panel, then take row blocks of C, each packing its own rows of A. Up to {@link #KG} of k at
     * a time (several k-blocks) are packed at once, so that a row block adds all their products into a
     * panel's tiles of C in turn ({@link #blocks}): with one k-block at a time, a 1024 product's C
     * (4 MB) came back from memory for each of them. Independent parts each packed their own copy of
     * B (a 1024 product packed every B block twice, 540 KB each, more than a core's L2). With
     * {@code sums} (A transposed only), A's row sums are added into {@code sums[sumsOff + i]} as A
     * is packed, each in k order: a linear layer's bias gradient, summed over its tokens.
     */
    static void sharedPacked(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                             float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate, float[] sums, int sumsOff) {
        float[] bp = SHARED_B.get();
        // Blocks of near-equal height, a whole number of them per thread: 256 rows as 48-row blocks
        // left one thread 144 rows and the other 112.
        int rowPanels = ceilDiv(m, MR), blocks = Parallel.THREADS * ceilDiv(rowPanels, Parallel.THREADS * (SHARED_ROWS / MR));
        int rows = MR * ceilDiv(rowPanels, blocks);
        // The last THREADS blocks' rows go as blocks of half the height, so that the thread that
        // finishes last waits on half a block at most.
        int tail = Math.max(0, ceilDiv(m, rows) - Parallel.THREADS) * rows, half = MR * ceilDiv(rows, 2 * MR);
        int rowBlocks = tail / rows + ceilDiv(m - tail, half);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc), panels = ceilDiv(nc, NR), j0 = jc, bStride = panels * NR * KC;
            for (int pg = 0; pg < k; pg += KG) {
                int kBlocks = ceilDiv(Math.min(KG, k - pg), KC), lastKc = Math.min(KG, k - pg) - (kBlocks - 1) * KC, p0 = pg;
                boolean overwrite = !accumulate && pg == 0;
                if (bCs == 1) { // row-major B: items of PACK_ROWS rows across all panels
                    int chunks = ceilDiv(KC, PACK_ROWS);
                    Parallel.forEach(kBlocks * chunks, true, item -> {
                        int kb = item / chunks, r0 = item % chunks * PACK_ROWS, pc = p0 + kb * KC, kc = Math.min(KC, k - pc);
                        if (r0 < kc) packRows(b, bOff + pc * bRs + j0, bRs, r0, Math.min(kc, r0 + PACK_ROWS), kc, nc, bp, kb * bStride);
                    });
                } else {
                    Parallel.forEach(kBlocks * panels, true, item -> {
                        int kb = item / panels, jp = item % panels, pc = p0 + kb * KC, kc = Math.min(KC, k - pc);
                        packB(b, bOff + pc * bRs + (j0 + jp * NR) * bCs, bRs, bCs, kc, Math.min(NR, nc - jp * NR), bp,
                                kb * bStride + jp * NR * kc);
                    });
                }
                Parallel.forEach(rowBlocks, true, ib -> {
                    int i0 = ib * rows < tail ? ib * rows : tail + (ib - tail / rows) * half;
                    int mc = Math.min(i0 < tail ? rows : half, m - i0), aStride = ceilDiv(mc, MR) * MR * KC;
                    Scratch s = SCRATCH.get();
                    float[] rowSums = j0 == 0 ? sums : null; // A's rows sum over k once, with the first column block of C
                    for (int kb = 0; kb < kBlocks; kb++) {
                        int pc = p0 + kb * KC;
                        packA(a, aOff + i0 * aRs + pc * aCs, aRs, aCs, mc, Math.min(KC, k - pc), s, kb * aStride, rowSums, sumsOff + i0);
                    }
                    blocks(s, aStride, bp, 0, bStride, kBlocks, lastKc, mc, nc, c, cOff + i0 * ldc + j0, ldc, overwrite, null);
                });
            }
        }
    }

    /** A's {@code mc x kc} block as MR-row micro-panels: {@code ap[ir*kc + p*MR + ii]}, zero-padded rows. */
    private static void packA(float[] a, int off, int rs, int cs, int mc, int kc, Scratch s) {
        packA(a, off, rs, cs, mc, kc, s, 0, null, 0);
    }

    /** {@link #packA} into {@code ap} from {@code apOff}, adding the rows' sums into {@code sums} from {@code so} unless it is null (A transposed only). */
    private static void packA(float[] a, int off, int rs, int cs, int mc, int kc, Scratch s, int apOff, float[] sums, int so) {
        float[] ap = s.ap;
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
    private static void packB(float[] b, int off, int rs, int cs, int kc, int nc, float[] bp, int bpOff) {
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
    private static void packRows(float[] b, int off, int rs, int r0, int r1, int kc, int nc, float[] bp, int bpOff) {
        int full = nc - nc % NR;
        for (int p = r0; p < r1; p++) {
            int src = off + p * rs, dst = bpOff + p * NR;
            for (int jr = 0; jr < full; jr += NR) {
                FloatVector.fromArray(S, b, src + jr).intoArray(bp, dst + jr * kc);
                FloatVector.fromArray(S, b, src + jr + L).intoArray(bp, dst + jr * kc + L);
            }
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
    private static final int ROW_PANELS = 4;

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
    private static void merge(float[] tile, int mr, int nr, float[] c, int co, int ldc, boolean overwrite) {
        for (int i = 0; i < mr; i++) {
            if (overwrite) System.arraycopy(tile, i * NR, c, co + i * ldc, nr);
            else for (int j = 0; j < nr; j++) c[co + i * ldc + j] += tile[i * NR + j];
        }
    }
}
