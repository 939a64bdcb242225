package dev.pmcj.tensor.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FusedAttention} for a few queries (decoding): one query row at a time against its keys,
 * through the calling thread's scratch row; scores first, then max-shifted exponentials, then the
 * weighted sum of the values. Heads that are exactly one 8-lane vector (stories260K's) keep the query
 * in a register, and blocks of eight such heads go eight at once, one (8 lanes) or two (16 lanes) key
 * positions' eight scores in one vector.
 */
final class DecodeAttention {
    /** Heads of exactly this species' length take the one-vector path. */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    /** Whether the hardware has 256-bit vectors (else the 8-lane species would be emulated). */
    private static final boolean ONE_VECTOR_HEADS = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;

    private DecodeAttention() {
    }

    /** Whether heads of size {@code d} take the one-vector paths. */
    static boolean oneVector(int d) {
        return d == S8.length() && ONE_VECTOR_HEADS;
    }

    /**
     * One query ({@code q[qi ..)}, scaled by {@code scale}) against keys and values {@code j < n} at
     * {@code base + j * stride}: the softmax-weighted sum of the values to {@code out[oi ..)}; returns the
     * scores' log-sum-exp.
     */
    static float row(float[] q, int qi, float scale, float[] k, int kBase, int kStride, float[] v, int vBase, int vStride,
                     int d, int n, float[] out, int oi, boolean oneVector) {
        float[] sc = VectorMath.scratch(n); // nothing below uses the scratch row
        float max = oneVector ? scores8(q, qi, scale, k, kBase, kStride, n, sc) : scores(q, qi, scale, k, kBase, kStride, d, n, sc);
        float sum = VectorMath.expShifted(sc, 0, 1f, max, sc, 0, n), inv = 1f / sum;
        if (oneVector) weighted8(sc, inv, v, vBase, vStride, n, out, oi);
        else weighted(sc, inv, v, vBase, vStride, d, n, out, oi);
        return max + (float) Math.log(sum);
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
    static final int HEADS_AT_ONCE = 8;
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
    static boolean eightAtOnce(int h, int group) {
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

    /**
     * {@link #row} for the eight one-vector heads from {@code h0} (query rows and output rows from
     * {@code qi} and {@code oi}, keys and values from row {@code kBase}, {@code vBase}): each head's
     * log-sum-exp to {@code lse[lseAt + head * lseStride]}, head counted from {@code h0}.
     */
    static void eightHeads(float[] q, int qi, float scale, float[] k, int kBase, int kStride, float[] v, int vBase, int vStride,
                           int h0, int group, int n, float[] out, int oi, float[] lse, int lseAt, int lseStride) {
        int steps = (n + SEGMENTS - 1) / SEGMENTS;
        float[] sc = VectorMath.scratch(steps * L + 2 * L + HEADS_AT_ONCE * 8); // nothing below uses the scratch row
        eightHeadScores(q, qi, scale, k, kBase, kStride, h0, group, n, sc);
        eightHeadExp(sc, steps);
        eightHeadWeighted(sc, n, v, vBase, vStride, h0, group, out, oi);
        for (int s = 0; s < SLOTS; s++) {
            for (int c = 0; c < SEGMENTS; c++) {
                int lane = steps * L + 8 * c + LaneMath.SUMS8_LANE[s];
                lse[lseAt + slotHead(s, c, group) * lseStride] = sc[lane] + (float) Math.log(sc[lane + L]);
            }
        }
    }
}
