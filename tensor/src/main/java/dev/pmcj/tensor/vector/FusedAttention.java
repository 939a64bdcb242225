package dev.pmcj.tensor.vector;

import dev.pmcj.tensor.Checks;
import dev.pmcj.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import static dev.pmcj.tensor.vector.Gemm.Causal.BY_KEYS;
import static dev.pmcj.tensor.vector.Gemm.Causal.BY_QUERIES;
import static dev.pmcj.tensor.vector.Gemm.Causal.SCORES;

/**
 * Causal grouped-query attention fused per head. Many queries (training, prefill) go by tiles of 64:
 * their scores are a per-thread {@code 64 x S} tile, and the products with keys and values are packed
 * GEMMs; a few queries (decoding) go one at a time through a per-thread row buffer, heads of size 8
 * (stories260K) eight heads at once, one (8 lanes) or two (16 lanes) key positions' eight scores in
 * one vector. Nothing of size
 * {@code T x S} is materialised. Two-pass softmax (scores first, then max-shifted exponentials);
 * the backward recomputes the probabilities from the saved log-sum-exp. Layouts as in
 * {@link dev.pmcj.tensor.Backend#attention}: q, out {@code [B, T, H, D]}; k, v {@code [B, S, KV, D]};
 * lse {@code [B, H, T]}; q, k, v and their gradients may be views with token rows any stride apart
 * (slices of one fused projection), out and dout are contiguous. Arguments are validated by the caller.
 */
final class FusedAttention {
    /** Below this many multiply-adds the work stays on the calling thread. */
    private static final long PARALLEL_MIN = 1L << 16;
    /** Heads of exactly this species' length take the one-vector path. */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    /** Whether the hardware has 256-bit vectors (else the 8-lane species would be emulated). */
    private static final boolean ONE_VECTOR_HEADS = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;

    private FusedAttention() {
    }

    private record Dims(int b, int t, int h, int d, int s, int kv) {
        static Dims of(Tensor q, Tensor k) {
            return new Dims(q.dim(0), q.dim(1), q.dim(2), q.dim(3), k.dim(1), k.dim(2));
        }

        int group() {
            return h / kv;
        }

        /**
         * Multiply-adds of one pass over the keys the queries see, a bound used only to decide on
         * threads: a prefill's keys are the first rows of a mostly empty cache, and counting all of
         * them sent a 16-token prompt's attention to both cores (JFR: the caller waiting in 23% of
         * the samples).
         */
        long work(int[] qPos) {
            return (long) b * t * h * Math.min(s, visibleKeys(qPos, 0, qPos.length)) * d;
        }
    }

    /**
     * Parallel over (batch, query head), or (batch, KV head) with all its query heads; each task
     * writes only its own rows of out and lse. Many queries go by tiles through {@link Gemm#packed}
     * (S = Q K^T, softmax per row, O = P V; both skip what the causal mask zeroes); a few (decoding)
     * row by row, where one query's scores and weighted sum stay in a row buffer.
     */
    static void forward(Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse) {
        String op = "attention";
        Dims dm = Dims.of(q, k);
        float[] qs = Checks.host(op, "q", q), ks = Checks.host(op, "k", k), vs = Checks.host(op, "v", v);
        float[] os = Checks.host(op, "out", out), ls = Checks.host(op, "lse", lse);
        int l0 = lse.offset(), d = dm.d, os1 = out.stride(1);
        float scale = (float) (1 / Math.sqrt(d));
        boolean oneVector = d == S8.length() && ONE_VECTOR_HEADS;
        if (oneVector && eightAtOnce(dm.h, dm.group()) && dm.t < TILED_MIN_QUERIES) {
            int blocks = dm.h / HEADS_AT_ONCE;
            Parallel.forEach(dm.b * dm.t * blocks, dm.work(qPos) >= PARALLEL_MIN, item -> {
                int row = item / blocks, h0 = (item % blocks) * HEADS_AT_ONCE, b = row / dm.t, t = row % dm.t;
                int n = qPos[row] + 1, steps = (n + SEGMENTS - 1) / SEGMENTS, oi = at(out, b, t, h0);
                float[] sc = VectorMath.scratch(steps * L + 2 * L + HEADS_AT_ONCE * 8); // nothing below uses the scratch row
                eightHeadScores(qs, at(q, b, t, h0), scale, ks, at(k, b, 0, 0), k.stride(1), h0, dm.group(), n, sc);
                eightHeadExp(sc, steps);
                eightHeadWeighted(sc, n, vs, at(v, b, 0, 0), v.stride(1), h0, dm.group(), os, oi);
                for (int s = 0; s < SLOTS; s++) {
                    for (int c = 0; c < SEGMENTS; c++) {
                        int lane = steps * L + 8 * c + LaneMath.SUMS8_LANE[s];
                        ls[l0 + (b * dm.h + h0 + slotHead(s, c, dm.group())) * dm.t + t] = sc[lane] + (float) Math.log(sc[lane + L]);
                    }
                }
            });
            return;
        }
        // With enough (batch, KV head) pairs to go round, one task takes all query heads of a KV
        // head, so the second reads that head's keys and values from its own L1 rather than
        // another core fetching the same lines at the same moment.
        int perTask = dm.b * dm.kv >= 4 * Parallel.THREADS ? dm.group() : 1, tasksPerBatch = dm.h / perTask;
        int qs1 = q.stride(1), ks1 = k.stride(1), vs1 = v.stride(1);
        Parallel.forEach(dm.b * tasksPerBatch, dm.work(qPos) >= PARALLEL_MIN, item -> {
            int b = item / tasksPerBatch, h0 = (item % tasksPerBatch) * perTask;
            int kBase = at(k, b, 0, h0 / dm.group()), vBase = at(v, b, 0, h0 / dm.group());
            for (int h = h0; h < h0 + perTask; h++) {
                if (dm.t >= TILED_MIN_QUERIES) { // training, prefill: S and O as packed products per tile
                    for (int t0 = 0; t0 < dm.t; t0 += TILE) {
                        int rows = Math.min(TILE, dm.t - t0), oi = at(out, b, t0, h);
                        int from = b * dm.t + t0, n = visibleKeys(qPos, from, rows);
                        int ps = (n + L - 1) / L * L; // rows a whole number of vectors apart: softmaxScaled's room
                        float[] p = TILES.get().fit(rows * ps).p;
                        Gemm.packed(qs, at(q, b, t0, h), qs1, 1, ks, kBase, 1, ks1, p, 0, ps, rows, n, d, false, SCORES, qPos, from);
                        for (int r = 0; r < rows; r++) {
                            int t = t0 + r, visible = qPos[from + r] + 1, pr = r * ps;
                            ls[l0 + (b * dm.h + h) * dm.t + t] = VectorMath.softmaxScaled(p, pr, scale, visible);
                            java.util.Arrays.fill(p, pr + visible, pr + n, 0f);
                        }
                        Gemm.packed(p, 0, ps, 1, vs, vBase, vs1, 1, os, oi, os1, rows, d, n, false, BY_KEYS, qPos, from);
                    }
                    continue;
                }
                for (int t = 0; t < dm.t; t++) {
                    int pos = qPos[b * dm.t + t], qi = at(q, b, t, h), oi = at(out, b, t, h);
                    float[] sc = VectorMath.scratch(pos + 1 + VectorMath.L); // room for expVectors; nothing below uses the scratch row
                    float max = oneVector
                            ? scores8(qs, qi, scale, ks, kBase, ks1, pos + 1, sc)
                            : scores(qs, qi, scale, ks, kBase, ks1, d, pos + 1, sc);
                    VectorMath.expVectors(sc, 0, 1f, max, sc, 0, pos + 1);
                    float sum = VectorMath.sum(sc, 0, pos + 1), inv = 1f / sum;
                    if (oneVector) weighted8(sc, inv, vs, vBase, vs1, pos + 1, os, oi);
                    else weighted(sc, inv, vs, vBase, vs1, d, pos + 1, os, oi);
                    ls[l0 + (b * dm.h + h) * dm.t + t] = max + (float) Math.log(sum);
                }
            }
        });
    }

    /** Where head {@code h} of token {@code t} in batch {@code b} starts: a row's heads are contiguous, rows and batches any stride apart (out and dout: dense). */
    private static int at(Tensor x, int b, int t, int h) {
        return x.offset() + b * x.stride(0) + t * x.stride(1) + h * x.dim(3);
    }

    /** {@link #scaledDots}, returning their max. */
    private static float scores(float[] q, int qi, float scale, float[] k, int base, int stride, int d, int n, float[] sc) {
        scaledDots(q, qi, scale, k, base, stride, d, n, sc);
        // The max afterwards, vectorised: Math.max in the loop chains every key behind the last.
        return VectorMath.max(sc, 0, n);
    }

    /** {@code sc[j] = q.k_j / sqrt(D)} for keys {@code j < n} at {@code k[base + j*stride]}. */
    private static void scaledDots(float[] q, int qi, float scale, float[] k, int base, int stride, int d, int n, float[] sc) {
        for (int j = 0; j < n; j++) sc[j] = VectorMath.dot(q, qi, k, base + j * stride, d) * scale;
    }

    /**
     * {@code out = inv * sum_j sc[j] v_j}. Four vectors of the output row at a time stay in registers
     * over all keys (each an FMA chain in key order, as the axpy per key left it in memory, so the
     * same bits); the rest of a row that is not a multiple of four vectors goes by axpy.
     */
    private static void weighted(float[] sc, float inv, float[] v, int base, int stride, int d, int n, float[] out, int oi) {
        int c = 0;
        for (int L = VectorMath.L; c + 4 * L <= d; c += 4 * L) {
            FloatVector a0 = FloatVector.zero(VectorMath.S), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0, b = base + c; j < n; j++, b += stride) {
                FloatVector w = FloatVector.broadcast(VectorMath.S, sc[j] * inv);
                a0 = w.fma(FloatVector.fromArray(VectorMath.S, v, b), a0);
                a1 = w.fma(FloatVector.fromArray(VectorMath.S, v, b + L), a1);
                a2 = w.fma(FloatVector.fromArray(VectorMath.S, v, b + 2 * L), a2);
                a3 = w.fma(FloatVector.fromArray(VectorMath.S, v, b + 3 * L), a3);
            }
            a0.intoArray(out, oi + c);
            a1.intoArray(out, oi + c + L);
            a2.intoArray(out, oi + c + 2 * L);
            a3.intoArray(out, oi + c + 3 * L);
        }
        if (c == d) return;
        java.util.Arrays.fill(out, oi + c, oi + d, 0f);
        for (int j = 0; j < n; j++) VectorMath.axpy(sc[j] * inv, v, base + j * stride + c, out, oi + c, d - c);
    }

    /**
     * {@link #scores} for a head that is exactly one 8-lane vector (stories260K): the scaled query
     * stays in a register, and eight keys' products are summed together ({@link LaneMath#sums8}: fewer
     * instructions than a lane sum per key, the same bits).
     */
    private static float scores8(float[] q, int qi, float scale, float[] k, int base, int stride, int n, float[] sc) {
        FloatVector qv = FloatVector.fromArray(S8, q, qi).mul(scale);
        int j = 0;
        for (; j + 8 <= n; j += 8) {
            int b = base + j * stride;
            FloatVector p0 = qv.mul(FloatVector.fromArray(S8, k, b)), p1 = qv.mul(FloatVector.fromArray(S8, k, b + stride));
            FloatVector p2 = qv.mul(FloatVector.fromArray(S8, k, b + 2 * stride)), p3 = qv.mul(FloatVector.fromArray(S8, k, b + 3 * stride));
            FloatVector p4 = qv.mul(FloatVector.fromArray(S8, k, b + 4 * stride)), p5 = qv.mul(FloatVector.fromArray(S8, k, b + 5 * stride));
            FloatVector p6 = qv.mul(FloatVector.fromArray(S8, k, b + 6 * stride)), p7 = qv.mul(FloatVector.fromArray(S8, k, b + 7 * stride));
            LaneMath.sums8(p0, p1, p2, p3, p4, p5, p6, p7).intoArray(sc, j);
        }
        for (; j < n; j++) sc[j] = LaneMath.sum256(qv.mul(FloatVector.fromArray(S8, k, base + j * stride)));
        return VectorMath.max(sc, 0, n);
    }

    /**
     * {@link #weighted} for one-vector heads: the output row stays in four register accumulators
     * (keys in turn: one chain would wait out the FMA latency at every key) instead of a load and
     * store per key.
     */
    private static void weighted8(float[] sc, float inv, float[] v, int base, int stride, int n, float[] out, int oi) {
        FloatVector a0 = FloatVector.zero(S8), a1 = FloatVector.zero(S8), a2 = FloatVector.zero(S8), a3 = FloatVector.zero(S8);
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            int b = base + j * stride;
            a0 = FloatVector.fromArray(S8, v, b).fma(FloatVector.broadcast(S8, sc[j]), a0);
            a1 = FloatVector.fromArray(S8, v, b + stride).fma(FloatVector.broadcast(S8, sc[j + 1]), a1);
            a2 = FloatVector.fromArray(S8, v, b + 2 * stride).fma(FloatVector.broadcast(S8, sc[j + 2]), a2);
            a3 = FloatVector.fromArray(S8, v, b + 3 * stride).fma(FloatVector.broadcast(S8, sc[j + 3]), a3);
        }
        for (; j < n; j++) a0 = FloatVector.fromArray(S8, v, base + j * stride).fma(FloatVector.broadcast(S8, sc[j]), a0);
        a0.add(a1).add(a2.add(a3)).mul(inv).intoArray(out, oi);
    }

    /**
     * One-vector heads decode eight at a time, a step of key positions at a time: each 8-lane segment
     * of a vector holds one head's query, key or value, so a vector of L lanes holds
     * {@link #SEGMENTS} heads (a slot), and a step's eight products (its {@link #SEGMENTS} positions
     * times {@link #SLOTS} slots) give its positions' eight heads' scores in one vector
     * (the rounds of {@link LaneMath#sums8Scrambled}, each segment on its own).
     */
    private static final int HEADS_AT_ONCE = 8;
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = VectorMath.L, SEGMENTS = L / 8, SLOTS = HEADS_AT_ONCE / SEGMENTS;
    /** Lanes holding a step's second position (16 lanes: segment lanes {@code SUMS8_LANE[i]}, i >= 4, are the odd ones). */
    private static final VectorMask<Float> SECOND_POSITION = VectorMask.fromLong(S, 0xAAAAL);
    /** Swaps each head's two lanes (a step's two positions) in a 16-lane score vector. */
    private static final VectorShuffle<Float> OTHER_POSITION = VectorShuffle.fromOp(S, l -> l ^ 1);
    /** {@code LANE_i}: every lane of a segment from the one holding product i's sum. */
    private static final VectorShuffle<Float> LANE_0 = productLane(0), LANE_1 = productLane(1), LANE_2 = productLane(2),
            LANE_3 = productLane(3), LANE_4 = productLane(4), LANE_5 = productLane(5), LANE_6 = productLane(6), LANE_7 = productLane(7);
    private static final FloatVector MINUS_INFINITY = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), ONE = FloatVector.broadcast(S, 1f);

    private static VectorShuffle<Float> productLane(int i) {
        return VectorShuffle.fromOp(S, l -> l / 8 * 8 + LaneMath.SUMS8_LANE[i]);
    }

    /**
     * Whether eight-at-once decoding applies: blocks of eight heads, and with 16 lanes a slot's two
     * heads (one {@code group} apart) read neighbouring KV heads, so one load brings both their keys.
     */
    private static boolean eightAtOnce(int h, int group) {
        return ONE_VECTOR_HEADS && (L == 8 || L == 16) && h % HEADS_AT_ONCE == 0 && (SEGMENTS == 1 || HEADS_AT_ONCE % (2 * group) == 0);
    }

    /** The head (within its block of eight) in segment c of slot s: with two segments, slot s pairs head a with a + group. */
    private static int slotHead(int s, int c, int group) {
        return SEGMENTS == 1 ? s : s / group * 2 * group + s % group + c * group;
    }

    /** Where slot s's keys or values start in a cache row: its first head's KV head. */
    private static int slotOffset(int h0, int s, int group) {
        return (h0 + slotHead(s, 0, group)) / group * 8;
    }

    /**
     * Scores of the eight heads from {@code h0} against keys {@code j < n}, a step at a time: step
     * {@code j}'s vector at {@code sc[jL]}, product i = (position i / SLOTS, slot i % SLOTS) in lanes
     * {@code 8c + SUMS8_LANE[i]}; a last step past {@code n} reads its first position again and scores
     * it -inf. Per-lane maxima, each head's over both its lanes, go to {@code sc[mL ..)}, m steps. The
     * scaled queries wait at {@code sc[mL + 2L ..)}, read at every step (held in registers instead:
     * 8 lanes spilled them beside the sums' masks and permutes, 16 lanes measured no faster).
     */
    private static void eightHeadScores(float[] q, int qi, float scale, float[] k, int base, int stride, int h0, int group,
                                        int n, float[] sc) {
        int m = (n + SEGMENTS - 1) / SEGMENTS * L, qo = m + 2 * L;
        for (int s = 0; s < SLOTS; s++) {
            for (int c = 0; c < SEGMENTS; c++) {
                FloatVector.fromArray(S8, q, qi + slotHead(s, c, group) * 8).mul(scale).intoArray(sc, qo + s * L + 8 * c);
            }
        }
        int o0 = slotOffset(h0, 0, group), o1 = slotOffset(h0, 1, group), o2 = slotOffset(h0, 2, group), o3 = slotOffset(h0, 3, group);
        int o4 = slotOffset(h0, 4 % SLOTS, group), o5 = slotOffset(h0, 5 % SLOTS, group), o6 = slotOffset(h0, 6 % SLOTS, group),
                o7 = slotOffset(h0, 7 % SLOTS, group);
        int q4 = qo + 4 % SLOTS * L, q5 = qo + 5 % SLOTS * L, q6 = qo + 6 % SLOTS * L, q7 = qo + 7 % SLOTS * L;
        for (int j = 0, b = base; j < n; j += SEGMENTS, b += SEGMENTS * stride) {
            int second = j + 1 < n ? b + (SEGMENTS - 1) * stride : b; // products 4-7: the step's second position with two segments
            FloatVector p0 = FloatVector.fromArray(S, sc, qo).mul(FloatVector.fromArray(S, k, b + o0));
            FloatVector p1 = FloatVector.fromArray(S, sc, qo + L).mul(FloatVector.fromArray(S, k, b + o1));
            FloatVector p2 = FloatVector.fromArray(S, sc, qo + 2 * L).mul(FloatVector.fromArray(S, k, b + o2));
            FloatVector p3 = FloatVector.fromArray(S, sc, qo + 3 * L).mul(FloatVector.fromArray(S, k, b + o3));
            FloatVector p4 = FloatVector.fromArray(S, sc, q4).mul(FloatVector.fromArray(S, k, second + o4));
            FloatVector p5 = FloatVector.fromArray(S, sc, q5).mul(FloatVector.fromArray(S, k, second + o5));
            FloatVector p6 = FloatVector.fromArray(S, sc, q6).mul(FloatVector.fromArray(S, k, second + o6));
            FloatVector p7 = FloatVector.fromArray(S, sc, q7).mul(FloatVector.fromArray(S, k, second + o7));
            // LaneMath.sums8Scrambled's rounds per segment, written out: as a call, C2 compiles the
            // tree on its own first and then will not inline it ("already compiled into a big
            // method"), and every vector crossing the call is boxed on the heap.
            LaneMath.Rounds r = LaneMath.SEGMENT_ROUNDS;
            FloatVector a0 = p0.blend(p1, r.high4()).add(p1.blend(p0, r.high4()).rearrange(r.rotate4()));
            FloatVector a1 = p2.blend(p3, r.high4()).add(p3.blend(p2, r.high4()).rearrange(r.rotate4()));
            FloatVector a2 = p4.blend(p5, r.high4()).add(p5.blend(p4, r.high4()).rearrange(r.rotate4()));
            FloatVector a3 = p6.blend(p7, r.high4()).add(p7.blend(p6, r.high4()).rearrange(r.rotate4()));
            FloatVector c0 = a0.blend(a1, r.oddPairs()).add(a1.blend(a0, r.oddPairs()).rearrange(r.swap2()));
            FloatVector c1 = a2.blend(a3, r.oddPairs()).add(a3.blend(a2, r.oddPairs()).rearrange(r.swap2()));
            FloatVector s = c0.blend(c1, r.oddLanes()).add(c1.blend(c0, r.oddLanes()).rearrange(r.swap1()));
            if (j + SEGMENTS > n) s = s.blend(MINUS_INFINITY, SECOND_POSITION);
            s.intoArray(sc, j / SEGMENTS * L);
        }
        eightHeadMax(sc, m);
    }

    /**
     * Each head's max over the score vectors in {@code sc[0, m)} (over both its lanes) to {@code sc[m ..)}. A
     * pass of its own: kept in the scores' loop, the running max was boxed every step in one JVM of five
     * (52 KB a generated token).
     */
    private static void eightHeadMax(float[] sc, int m) {
        FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY); // not a static constant: a loop phi with a constant object boxes every iteration
        for (int j = 0; j < m; j += L) {
            FloatVector s = FloatVector.fromArray(S, sc, j);
            max = max.blend(s, max.compare(VectorOperators.LT, s)); // two instructions; max()'s NaN and signed-zero rules take six
        }
        if (SEGMENTS == 2) max = max.max(max.rearrange(OTHER_POSITION));
        max.intoArray(sc, m);
    }

    /** {@code sc[i] = exp(sc[i] - max)} over m steps' vectors; each head's sum (over both its lanes) to {@code sc[mL + L ..)}. */
    private static void eightHeadExp(float[] sc, int steps) {
        int m = steps * L;
        FloatVector max = FloatVector.fromArray(S, sc, m), s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        for (int j = 0; j < m; j += L) {
            FloatVector e = LaneMath.expNonPositive(FloatVector.fromArray(S, sc, j).sub(max));
            e.intoArray(sc, j);
            // Two sums taking steps in turn, so each add waits on the one two steps back.
            FloatVector t = s0.add(e);
            s0 = s1;
            s1 = t;
        }
        FloatVector sum = s0.add(s1);
        if (SEGMENTS == 2) sum = sum.add(sum.rearrange(OTHER_POSITION));
        sum.intoArray(sc, m + L);
    }

    /**
     * {@code out_h = sum_j p_hj v_j / sum_h} with the weights from {@link #eightHeadExp}: eight
     * accumulators, one per product of a step, each fed its weights from their lanes
     * ({@code LANE_i}); with two segments a slot's two (one per position) are added at the end.
     */
    private static void eightHeadWeighted(float[] sc, int n, float[] v, int base, int stride, int h0, int group, float[] out, int oi) {
        int o0 = slotOffset(h0, 0, group), o1 = slotOffset(h0, 1, group), o2 = slotOffset(h0, 2, group), o3 = slotOffset(h0, 3, group);
        int o4 = slotOffset(h0, 4 % SLOTS, group), o5 = slotOffset(h0, 5 % SLOTS, group), o6 = slotOffset(h0, 6 % SLOTS, group),
                o7 = slotOffset(h0, 7 % SLOTS, group);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int m = (n + SEGMENTS - 1) / SEGMENTS * L;
        for (int j = 0, p = 0, b = base; j < n; j += SEGMENTS, p += L, b += SEGMENTS * stride) {
            int second = j + 1 < n ? b + (SEGMENTS - 1) * stride : b; // its weights are 0 past n
            FloatVector w = FloatVector.fromArray(S, sc, p); // 8 lanes: each weight broadcast from memory instead, a load port's work, not the permute port's
            a0 = FloatVector.fromArray(S, v, b + o0).fma(SEGMENTS == 1 ? FloatVector.broadcast(S, sc[p]) : w.rearrange(LANE_0), a0);
            a1 = FloatVector.fromArray(S, v, b + o1).fma(SEGMENTS == 1 ? FloatVector.broadcast(S, sc[p + 4]) : w.rearrange(LANE_1), a1);
            a2 = FloatVector.fromArray(S, v, b + o2).fma(SEGMENTS == 1 ? FloatVector.broadcast(S, sc[p + 2]) : w.rearrange(LANE_2), a2);
            a3 = FloatVector.fromArray(S, v, b + o3).fma(SEGMENTS == 1 ? FloatVector.broadcast(S, sc[p + 6]) : w.rearrange(LANE_3), a3);
            a4 = FloatVector.fromArray(S, v, second + o4).fma(SEGMENTS == 1 ? FloatVector.broadcast(S, sc[p + 1]) : w.rearrange(LANE_4), a4);
            a5 = FloatVector.fromArray(S, v, second + o5).fma(SEGMENTS == 1 ? FloatVector.broadcast(S, sc[p + 5]) : w.rearrange(LANE_5), a5);
            a6 = FloatVector.fromArray(S, v, second + o6).fma(SEGMENTS == 1 ? FloatVector.broadcast(S, sc[p + 3]) : w.rearrange(LANE_6), a6);
            a7 = FloatVector.fromArray(S, v, second + o7).fma(SEGMENTS == 1 ? FloatVector.broadcast(S, sc[p + 7]) : w.rearrange(LANE_7), a7);
        }
        FloatVector inv = ONE.div(FloatVector.fromArray(S, sc, m + L));
        int t = m + 2 * L; // the queries' place, free now
        if (SEGMENTS == 2) {
            a0.add(a4).mul(inv.rearrange(LANE_0)).intoArray(sc, t);
            a1.add(a5).mul(inv.rearrange(LANE_1)).intoArray(sc, t + L);
            a2.add(a6).mul(inv.rearrange(LANE_2)).intoArray(sc, t + 2 * L);
            a3.add(a7).mul(inv.rearrange(LANE_3)).intoArray(sc, t + 3 * L);
        } else {
            a0.mul(inv.rearrange(LANE_0)).intoArray(sc, t);
            a1.mul(inv.rearrange(LANE_1)).intoArray(sc, t + L);
            a2.mul(inv.rearrange(LANE_2)).intoArray(sc, t + 2 * L);
            a3.mul(inv.rearrange(LANE_3)).intoArray(sc, t + 3 * L);
            a4.mul(inv.rearrange(LANE_4)).intoArray(sc, t + 4 * L);
            a5.mul(inv.rearrange(LANE_5)).intoArray(sc, t + 5 * L);
            a6.mul(inv.rearrange(LANE_6)).intoArray(sc, t + 6 * L);
            a7.mul(inv.rearrange(LANE_7)).intoArray(sc, t + 7 * L);
        }
        for (int s = 0; s < SLOTS; s++) {
            for (int c = 0; c < SEGMENTS; c++) System.arraycopy(sc, t + s * L + 8 * c, out, oi + slotHead(s, c, group) * 8, 8);
        }
    }

    /** Query rows per tile: score tiles are {@code TILE x S}, never {@code T x S}. */
    private static final int TILE = 64;
    /** From this many queries a forward takes the tiled path; fewer (decoding) go row by row. */
    private static final int TILED_MIN_QUERIES = 16;

    /** Per-thread score tiles (P, and dP in the backward), grown to the largest seen. */
    private static final class Tiles {
        float[] p = new float[0], dp = new float[0];

        Tiles fit(int n) {
            if (p.length < n) {
                p = new float[n];
                dp = new float[n];
            }
            return this;
        }
    }

    private static final ThreadLocal<Tiles> TILES = ThreadLocal.withInitial(Tiles::new);

    /** Keys that the {@code rows} queries from flat index {@code from} see: up to the largest position. */
    private static int visibleKeys(int[] qPos, int from, int rows) {
        int n = 0;
        for (int i = from; i < from + rows; i++) n = Math.max(n, qPos[i] + 1);
        return n;
    }

    /**
     * Parallel over (batch, KV head): a task owns the dk and dv rows of its KV head and the dq rows of
     * the query heads that read it, so no two tasks write the same gradient. Per tile of query rows,
     * with P = exp(Q K^T / sqrt(D) - lse) (zero beyond each query's position):
     * dV += P^T dO; dS = P * (dO V^T - rowsum(dO * O)) / sqrt(D); dQ += dS K; dK += dS^T Q.
     * The five products run through {@link Gemm#packed} on the tensors' own strided rows (packing is
     * the gather), at matmul speed where a loop of dot products and axpys per key ran far below it,
     * each told by a {@link Gemm.Causal} layout which of its parts the mask zeroes.
     */
    static void backward(Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse, Tensor dout,
                         Tensor dq, Tensor dk, Tensor dv) {
        String op = "attentionBackward";
        Dims dm = Dims.of(q, k);
        float[] qs = Checks.host(op, "q", q), ks = Checks.host(op, "k", k), vs = Checks.host(op, "v", v);
        float[] os = Checks.host(op, "out", out), ls = Checks.host(op, "lse", lse), gs = Checks.host(op, "dout", dout);
        float[] dqs = Checks.host(op, "dq", dq), dks = Checks.host(op, "dk", dk), dvs = Checks.host(op, "dv", dv);
        int l0 = lse.offset(), d = dm.d, os1 = out.stride(1); // out and dout are contiguous: the same rows
        int qs1 = q.stride(1), ks1 = k.stride(1), vs1 = v.stride(1), dqs1 = dq.stride(1), dks1 = dk.stride(1), dvs1 = dv.stride(1);
        float scale = (float) (1 / Math.sqrt(d));
        Parallel.forEach(dm.b * dm.kv, dm.work(qPos) >= PARALLEL_MIN, item -> {
            int b = item / dm.kv, g = item % dm.kv;
            int ki = at(k, b, 0, g), vi = at(v, b, 0, g), dki = at(dk, b, 0, g), dvi = at(dv, b, 0, g);
            for (int h = g * dm.group(); h < (g + 1) * dm.group(); h++) {
                for (int t0 = 0; t0 < dm.t; t0 += TILE) {
                    int rows = Math.min(TILE, dm.t - t0), qi = at(q, b, t0, h), dqi = at(dq, b, t0, h);
                    int o = at(out, b, t0, h), go = at(dout, b, t0, h);
                    int from = b * dm.t + t0, n = visibleKeys(qPos, from, rows); // under causality, fewer for earlier tiles
                    Tiles w = TILES.get().fit(rows * n);
                    // S = Q K^T and dP = dO V^T, rows x n, each row up to its last key.
                    Gemm.packed(qs, qi, qs1, 1, ks, ki, 1, ks1, w.p, 0, n, rows, n, d, false, SCORES, qPos, from);
                    Gemm.packed(gs, go, os1, 1, vs, vi, 1, vs1, w.dp, 0, n, rows, n, d, false, SCORES, qPos, from);
                    for (int r = 0; r < rows; r++) {
                        int t = t0 + r, visible = qPos[from + r] + 1, pr = r * n;
                        float l = ls[l0 + (b * dm.h + h) * dm.t + t];
                        float rowDot = VectorMath.dot(gs, go + r * os1, os, o + r * os1, d);
                        VectorMath.softmaxBackward(w.p, w.dp, pr, scale, l, rowDot, visible); // P, and dS in dp
                        java.util.Arrays.fill(w.p, pr + visible, pr + n, 0f);
                        java.util.Arrays.fill(w.dp, pr + visible, pr + n, 0f);
                    }
                    Gemm.packed(w.p, 0, 1, n, gs, go, os1, 1, dvs, dvi, dvs1, n, d, rows, true, BY_QUERIES, qPos, from);
                    Gemm.packed(w.dp, 0, n, 1, ks, ki, ks1, 1, dqs, dqi, dqs1, rows, d, n, true, BY_KEYS, qPos, from);
                    Gemm.packed(w.dp, 0, 1, n, qs, qi, qs1, 1, dks, dki, dks1, n, d, rows, true, BY_QUERIES, qPos, from);
                }
            }
        });
    }
}
