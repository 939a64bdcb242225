package dev.pmcj.tensor.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;

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
 * The A block stays in L2, and so does the B micro-panel with AVX-512 (64 KB, see {@link #KC}); AVX2's
 * (16 KB) stays in L1. One large product gives each thread a part of C's rows and a copy of each
 * packed B block (one copy per group of threads on larger machines); batched ones split C into
 * disjoint parts that pack their own blocks. Small products (and matrix-vector shaped ones,
 * where packing would cost as much as the arithmetic) take a direct path with no packing.
 *
 * <p>This class holds the sizes and the drivers (how a product is cut into blocks and shared among
 * threads); {@link GemmPacking} packs the blocks, {@link GemmKernels} holds the register tiles, and
 * {@link GemmDirect} the products that pack nothing.
 */
final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of the register tile: 4 with AVX2's 16 vector registers, 8 with AVX-512's 32 ({@link GemmKernels#kernel}). */
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
    /** At most this many rows of C per row block of {@link #sharedPacked}: 16 micro-panels, small enough for a thread done early to take the others' last ones. */
    static final int SHARED_ROWS = 16 * MR;
    /**
     * From this many rows of C a large product cuts its rows among the threads ({@link #sharedPacked}).
     * Below it the threads split C's columns and each packs its own part of B, which stays in its own
     * L2 (2 MB on the Xeon) for all the rows, where a B shared by row blocks lived in L3 and each row
     * block streamed it again: a GPT-2 layer's products (256-row forward and dX, dW unchanged) ran
     * 1.075x faster (AVX-512; 1.031x with AVX2 on the same machine), its head 1.046x; a 1024 product
     * runs faster by rows (0.949x split by columns, measured when its B was shared).
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
                GemmDirect.multiply(a, ao, aRs, aCs, b, bo, bRs, bCs, c, co, n, mm, nn, k, accumulate);
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
                GemmPacking.packB(b, bOff + pc * bRs + jc * bCs, bRs, bCs, kc, nc, s.bp, 0);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    GemmPacking.packA(a, aOff + ic * aRs + pc * aCs, aRs, aCs, mc, kc, s.ap);
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
                        GemmKernels.kernel(s.ap, ao, bp, bo, k1 - k0, c, ci, ldc, store);
                    } else {
                        GemmKernels.kernel(s.ap, ao, bp, bo, k1 - k0, s.tile, 0, NR, true);
                        GemmKernels.merge(s.tile, mr, nr, c, ci, ldc, store);
                    }
                }
            }
        }
    }

    /**
     * W ({@code [n, k]}, row-major from {@code off}) as B = W^T, packed once for {@link #timesPacked}:
     * k-block after k-block ({@code KC} deep, the last shorter), each as {@code ceil(n / NR)} column
     * micro-panels laid out as {@link GemmPacking#packB} lays them.
     */
    static float[] packTransposed(float[] w, int off, int n, int k) {
        int panels = ceilDiv(n, NR);
        float[] bp = new float[panels * NR * k];
        for (int pc = 0; pc < k; pc += KC) GemmPacking.packB(w, off + pc, 1, k, Math.min(KC, k - pc), n, bp, pc * panels * NR);
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
                        for (int jg = j0; jg < j0 + nc; jg += GemmKernels.ROW_PANELS * NR) {
                            int cols = Math.min(GemmKernels.ROW_PANELS * NR, j0 + nc - jg), first = jg / NR, last = (jg + cols - 1) / NR;
                            GemmKernels.rowKernel(a, aOff + i * k + pc, bp, block + first * span, block + Math.min(first + 1, last) * span,
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
                    GemmPacking.packA(a, aOff + ic * k + pc, k, 1, mc, kc, s.ap);
                    blocks(s, 0, bp, pc * panels * NR + j0 * kc, 0, 1, kc, mc, nc, c, cOff + ic * n + j0, n,
                            !accumulate && pc == 0, null);
                }
            }
        });
    }

    /**
     * Threads that share one packed copy of B in {@link #sharedPacked}. With a copy per thread B is
     * packed once per thread: on two cores that cost less than one copy packed and read by both, but
     * it grows with the core count while each thread's share of the rows shrinks (four: not measured,
     * this machine has two cores).
     */
    static final int THREADS_PER_COPY = 4;
    /** Rows of a row-major B block per packing chunk of {@link #sharedPacked}. */
    private static final int PACK_ROWS = 32;
    /** The calling thread's copies of B for {@link #sharedPacked}, shared with the pool's helpers. */
    private static final ThreadLocal<float[][]> B_COPIES = ThreadLocal.withInitial(() -> new float[0][]);

    /**
     * One large product on all cores. C's rows are cut into one contiguous part per thread, and each
     * group of {@link #THREADS_PER_COPY} parts packs its own copy of B's block (up to {@link #KG} of
     * k, several k-blocks), chunk by chunk; a thread then runs its part's row blocks, each packing its
     * rows of A, and then whatever row blocks the other parts have left. With one copy packed and
     * read by both threads of two cores, the packing threads took each other's cache lines (1.2-2.4x
     * the thread-time of one thread packing it alone) and both waited for the last packer, then for
     * the last row block: a copy per thread ran the 1024 product 1.057x and the small training
     * step's products 1.044x faster (bench/ab; log, twenty-sixth session). A row block adds all the
     * k-blocks' products into a panel's tiles of C in turn ({@link #blocks}): with one k-block at a
     * time, a 1024 product's C (4 MB) came back from memory for each of them. With {@code sums} (A
     * transposed only), A's row sums are added into {@code sums[sumsOff + i]} as A is packed, each in
     * k order: a linear layer's bias gradient, summed over its tokens.
     */
    static void sharedPacked(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                             float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate, float[] sums, int sumsOff) {
        int rowPanels = ceilDiv(m, MR), parts = Math.min(Parallel.THREADS, rowPanels), copies = ceilDiv(parts, THREADS_PER_COPY);
        float[][] bps = copyBuffers(copies, ceilDiv(Math.min(k, KG), KC) * ceilDiv(Math.min(n, NC), NR) * NR * KC);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc), panels = ceilDiv(nc, NR), bStride = panels * NR * KC, j0 = jc;
            float[] rowSums = jc == 0 ? sums : null; // A's rows sum over k once, with the first column block of C
            for (int pg = 0; pg < k; pg += KG) {
                int kBlocks = ceilDiv(Math.min(KG, k - pg), KC), lastKc = Math.min(KG, k - pg) - (kBlocks - 1) * KC, p0 = pg;
                boolean overwrite = !accumulate && pg == 0;
                int perBlock = bCs == 1 ? ceilDiv(KC, PACK_ROWS) : panels, chunks = kBlocks * perBlock;
                AtomicIntegerArray claimed = new AtomicIntegerArray(copies), packed = new AtomicIntegerArray(copies);
                AtomicIntegerArray taken = new AtomicIntegerArray(parts); // row blocks handed out, per part
                Parallel.forEach(parts, true, part -> {
                    if (!rowsLeft(taken, parts, rowPanels, m)) return; // a late thread: the others took every row block
                    int copy = part % copies;
                    float[] bp = bps[copy];
                    // Chunks are claimed before they are packed, so whoever waits below waits on running
                    // threads; a chunk counts as packed even if it threw, so that no one waits for good
                    // (the pool rethrows the failure once every part has returned).
                    for (int ch; (ch = claimed.getAndIncrement(copy)) < chunks; ) {
                        try {
                            packChunk(b, bOff + p0 * bRs + j0 * bCs, bRs, bCs, k - p0, nc, ch / perBlock, ch % perBlock, bp, bStride);
                        } finally {
                            packed.incrementAndGet(copy);
                        }
                    }
                    while (packed.get(copy) < chunks) Thread.onSpinWait();
                    Scratch s = SCRATCH.get();
                    for (int q = 0; q < parts; q++) {
                        int p = (part + q) % parts, r0 = partStart(p, parts, rowPanels, m), r1 = partStart(p + 1, parts, rowPanels, m);
                        for (int ib; (ib = taken.getAndIncrement(p)) * SHARED_ROWS < r1 - r0; ) {
                            int i0 = r0 + ib * SHARED_ROWS, mc = Math.min(SHARED_ROWS, r1 - i0), aStride = ceilDiv(mc, MR) * MR * KC;
                            for (int kb = 0; kb < kBlocks; kb++) {
                                int pc = p0 + kb * KC;
                                GemmPacking.packA(a, aOff + i0 * aRs + pc * aCs, aRs, aCs, mc, Math.min(KC, k - pc), s.ap, kb * aStride,
                                        rowSums, sumsOff + i0);
                            }
                            blocks(s, aStride, bp, 0, bStride, kBlocks, lastKc, mc, nc, c, cOff + i0 * ldc + j0, ldc, overwrite, null);
                        }
                    }
                });
            }
        }
    }

    /**
     * Chunk {@code at} of k-block {@code kb} of a {@link #sharedPacked} B block ({@code depth} rows of
     * k left from {@code off}, {@code nc} columns) into {@code bp}: {@link #PACK_ROWS} rows across all
     * panels of a row-major B, else one panel.
     */
    private static void packChunk(float[] b, int off, int rs, int cs, int depth, int nc, int kb, int at, float[] bp, int bStride) {
        int kc = Math.min(KC, depth - kb * KC), src = off + kb * KC * rs;
        if (cs == 1) {
            int r0 = at * PACK_ROWS;
            if (r0 < kc) GemmPacking.packRows(b, src, rs, r0, Math.min(kc, r0 + PACK_ROWS), kc, nc, bp, kb * bStride);
        } else {
            GemmPacking.packB(b, src + at * NR * cs, rs, cs, kc, Math.min(NR, nc - at * NR), bp, kb * bStride + at * NR * kc);
        }
    }

    /** The first row of part {@code p} of {@link #sharedPacked}'s {@code parts}, a whole number of micro-panels. */
    private static int partStart(int p, int parts, int rowPanels, int m) {
        return Math.min(m, p * rowPanels / parts * MR);
    }

    /** Whether some part of {@link #sharedPacked} has row blocks not yet taken. */
    private static boolean rowsLeft(AtomicIntegerArray taken, int parts, int rowPanels, int m) {
        for (int p = 0; p < parts; p++) {
            if (taken.get(p) * SHARED_ROWS < partStart(p + 1, parts, rowPanels, m) - partStart(p, parts, rowPanels, m)) return true;
        }
        return false;
    }

    /** The calling thread's {@code copies} buffers of at least {@code size} floats each. */
    private static float[][] copyBuffers(int copies, int size) {
        float[][] held = B_COPIES.get();
        if (held.length < copies) B_COPIES.set(held = Arrays.copyOf(held, copies));
        for (int i = 0; i < copies; i++) if (held[i] == null || held[i].length < size) held[i] = new float[size];
        return held;
    }

}
