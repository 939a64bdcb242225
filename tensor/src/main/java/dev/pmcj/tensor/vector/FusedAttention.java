package dev.pmcj.tensor.vector;

import dev.pmcj.tensor.Checks;
import dev.pmcj.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static dev.pmcj.tensor.vector.Gemm.Causal.BY_KEYS;
import static dev.pmcj.tensor.vector.Gemm.Causal.BY_QUERIES;
import static dev.pmcj.tensor.vector.Gemm.Causal.SCORES;

/**
 * Causal grouped-query attention fused per head. Many queries (training, prefill) go by tiles of 64:
 * their scores are a per-thread {@code 64 x S} tile, and the products with keys and values are packed
 * GEMMs; a few queries (decoding) go one at a time through a per-thread row buffer, heads of size 8
 * (stories260K) eight heads at once, one key position's eight scores in one vector. Nothing of size
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

        /** Multiply-adds of one pass, a bound used only to decide on threads. */
        long work() {
            return (long) b * t * h * s * d;
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
        if (oneVector && dm.h % HEADS_AT_ONCE == 0 && dm.t < TILED_MIN_QUERIES && S8.length() == VectorMath.L) {
            int groups = dm.h / HEADS_AT_ONCE;
            Parallel.forEach(dm.b * dm.t * groups, dm.work() >= PARALLEL_MIN, item -> {
                int row = item / groups, h0 = (item % groups) * HEADS_AT_ONCE, b = row / dm.t, t = row % dm.t;
                int n = qPos[row] + 1, oi = at(out, b, t, h0);
                float[] sc = VectorMath.scratch((n + 10) * HEADS_AT_ONCE); // nothing below uses the scratch row
                eightHeadScores(qs, at(q, b, t, h0), scale, ks, at(k, b, 0, 0), k.stride(1), h0, dm.group(), n, sc);
                eightHeadExp(sc, n);
                eightHeadWeighted(sc, n, vs, at(v, b, 0, 0), v.stride(1), h0, dm.group(), os, oi);
                for (int i = 0; i < HEADS_AT_ONCE; i++) {
                    int lane = LaneMath.SUMS8_LANE[i];
                    ls[l0 + (b * dm.h + h0 + i) * dm.t + t] = sc[n * HEADS_AT_ONCE + lane] + (float) Math.log(sc[(n + 1) * HEADS_AT_ONCE + lane]);
                }
            });
            return;
        }
        // With enough (batch, KV head) pairs to go round, one task takes all query heads of a KV
        // head, so the second reads that head's keys and values from its own L1 rather than
        // another core fetching the same lines at the same moment.
        int perTask = dm.b * dm.kv >= 4 * Parallel.THREADS ? dm.group() : 1, tasksPerBatch = dm.h / perTask;
        int qs1 = q.stride(1), ks1 = k.stride(1), vs1 = v.stride(1);
        Parallel.forEach(dm.b * tasksPerBatch, dm.work() >= PARALLEL_MIN, item -> {
            int b = item / tasksPerBatch, h0 = (item % tasksPerBatch) * perTask;
            int kBase = at(k, b, 0, h0 / dm.group()), vBase = at(v, b, 0, h0 / dm.group());
            for (int h = h0; h < h0 + perTask; h++) {
                if (dm.t >= TILED_MIN_QUERIES) { // training, prefill: S and O as packed products per tile
                    for (int t0 = 0; t0 < dm.t; t0 += TILE) {
                        int rows = Math.min(TILE, dm.t - t0), oi = at(out, b, t0, h);
                        int from = b * dm.t + t0, n = visibleKeys(qPos, from, rows);
                        float[] p = TILES.get().fit(rows * n).p;
                        Gemm.packed(qs, at(q, b, t0, h), qs1, 1, ks, kBase, 1, ks1, p, 0, n, rows, n, d, false, SCORES, qPos, from);
                        for (int r = 0; r < rows; r++) {
                            int t = t0 + r, visible = qPos[from + r] + 1, pr = r * n;
                            VectorMath.scale(scale, p, pr, visible);
                            float max = VectorMath.max(p, pr, visible);
                            float sum = VectorMath.expShifted(p, pr, max, p, pr, visible);
                            VectorMath.scale(1f / sum, p, pr, visible);
                            java.util.Arrays.fill(p, pr + visible, pr + n, 0f);
                            ls[l0 + (b * dm.h + h) * dm.t + t] = max + (float) Math.log(sum);
                        }
                        Gemm.packed(p, 0, n, 1, vs, vBase, vs1, 1, os, oi, os1, rows, d, n, false, BY_KEYS, qPos, from);
                    }
                    continue;
                }
                for (int t = 0; t < dm.t; t++) {
                    int pos = qPos[b * dm.t + t], qi = at(q, b, t, h), oi = at(out, b, t, h);
                    float[] sc = VectorMath.scratch(pos + 1); // nothing below uses the scratch row
                    float max = oneVector
                            ? scores8(qs, qi, scale, ks, kBase, ks1, pos + 1, sc)
                            : scores(qs, qi, scale, ks, kBase, ks1, d, pos + 1, sc);
                    float sum = VectorMath.expShifted(sc, 0, max, sc, 0, pos + 1), inv = 1f / sum;
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

    /** One-vector heads decode eight at a time: one score vector holds a key position's eight heads. */
    private static final int HEADS_AT_ONCE = 8;

    /**
     * Scores of eight one-vector heads from {@code h0} against keys {@code j < n}, position by position:
     * {@code q_i . k_j / sqrt(8)} in {@code sc[8j + SUMS8_LANE[i]]}, with head i reading KV head
     * {@code (h0 + i) / group}. One position's keys for all heads are one or a few cache lines, read
     * once and in order, and its eight dot products come out of one {@link LaneMath#sums8Scrambled}.
     * Per-head maxima go to {@code sc[8n .. 8n+8)}. The scaled queries wait in {@code sc[8n+16 ..
     * 8n+80)} and are read at every position: held in registers beside the sums' masks and
     * permutes, they were spilled and reloaded anyway, with more instructions.
     */
    private static void eightHeadScores(float[] q, int qi, float scale, float[] k, int base, int stride, int h0, int group,
                                        int n, float[] sc) {
        int o0 = h0 / group * 8, o1 = (h0 + 1) / group * 8, o2 = (h0 + 2) / group * 8, o3 = (h0 + 3) / group * 8;
        int o4 = (h0 + 4) / group * 8, o5 = (h0 + 5) / group * 8, o6 = (h0 + 6) / group * 8, o7 = (h0 + 7) / group * 8;
        int qo = 8 * n + 16;
        for (int i = 0; i < 64; i += 8) FloatVector.fromArray(S8, q, qi + i).mul(scale).intoArray(sc, qo + i);
        FloatVector max = FloatVector.broadcast(S8, Float.NEGATIVE_INFINITY);
        for (int j = 0, b = base; j < 8 * n; j += 8, b += stride) {
            FloatVector s = LaneMath.sums8Scrambled(
                    FloatVector.fromArray(S8, sc, qo).mul(FloatVector.fromArray(S8, k, b + o0)),
                    FloatVector.fromArray(S8, sc, qo + 8).mul(FloatVector.fromArray(S8, k, b + o1)),
                    FloatVector.fromArray(S8, sc, qo + 16).mul(FloatVector.fromArray(S8, k, b + o2)),
                    FloatVector.fromArray(S8, sc, qo + 24).mul(FloatVector.fromArray(S8, k, b + o3)),
                    FloatVector.fromArray(S8, sc, qo + 32).mul(FloatVector.fromArray(S8, k, b + o4)),
                    FloatVector.fromArray(S8, sc, qo + 40).mul(FloatVector.fromArray(S8, k, b + o5)),
                    FloatVector.fromArray(S8, sc, qo + 48).mul(FloatVector.fromArray(S8, k, b + o6)),
                    FloatVector.fromArray(S8, sc, qo + 56).mul(FloatVector.fromArray(S8, k, b + o7)));
            s.intoArray(sc, j);
            max = max.max(s);
        }
        max.intoArray(sc, 8 * n);
    }

    /** {@code sc[8j + l] = exp(sc[8j + l] - max_l)}; the per-lane sums go to {@code sc[8n+8 .. 8n+16)}. */
    private static void eightHeadExp(float[] sc, int n) {
        FloatVector max = FloatVector.fromArray(S8, sc, 8 * n), s0 = FloatVector.zero(S8), s1 = FloatVector.zero(S8);
        for (int j = 0; j < 8 * n; j += 8) {
            FloatVector e = LaneMath.expNonPositive(FloatVector.fromArray(S8, sc, j).sub(max));
            e.intoArray(sc, j);
            // Two sums taking positions in turn, so each add waits on the one two positions back.
            FloatVector t = s0.add(e);
            s0 = s1;
            s1 = t;
        }
        s0.add(s1).intoArray(sc, 8 * n + 8);
    }

    /**
     * {@code out_i = sum_j p_ij v_j / sum_i}, {@code p_ij} at {@code sc[8j + SUMS8_LANE[i]]}: eight
     * accumulators, one per head, fed from each position's values.
     */
    private static void eightHeadWeighted(float[] sc, int n, float[] v, int base, int stride, int h0, int group, float[] out, int oi) {
        int o0 = h0 / group * 8, o1 = (h0 + 1) / group * 8, o2 = (h0 + 2) / group * 8, o3 = (h0 + 3) / group * 8;
        int o4 = (h0 + 4) / group * 8, o5 = (h0 + 5) / group * 8, o6 = (h0 + 6) / group * 8, o7 = (h0 + 7) / group * 8;
        FloatVector a0 = FloatVector.zero(S8), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int p = 0, b = base; p < 8 * n; p += 8, b += stride) { // lanes as in LaneMath.SUMS8_LANE
            a0 = FloatVector.fromArray(S8, v, b + o0).fma(FloatVector.broadcast(S8, sc[p]), a0);
            a1 = FloatVector.fromArray(S8, v, b + o1).fma(FloatVector.broadcast(S8, sc[p + 4]), a1);
            a2 = FloatVector.fromArray(S8, v, b + o2).fma(FloatVector.broadcast(S8, sc[p + 2]), a2);
            a3 = FloatVector.fromArray(S8, v, b + o3).fma(FloatVector.broadcast(S8, sc[p + 6]), a3);
            a4 = FloatVector.fromArray(S8, v, b + o4).fma(FloatVector.broadcast(S8, sc[p + 1]), a4);
            a5 = FloatVector.fromArray(S8, v, b + o5).fma(FloatVector.broadcast(S8, sc[p + 5]), a5);
            a6 = FloatVector.fromArray(S8, v, b + o6).fma(FloatVector.broadcast(S8, sc[p + 3]), a6);
            a7 = FloatVector.fromArray(S8, v, b + o7).fma(FloatVector.broadcast(S8, sc[p + 7]), a7);
        }
        int sums = 8 * n + 8;
        a0.mul(1f / sc[sums]).intoArray(out, oi);
        a1.mul(1f / sc[sums + 4]).intoArray(out, oi + 8);
        a2.mul(1f / sc[sums + 2]).intoArray(out, oi + 16);
        a3.mul(1f / sc[sums + 6]).intoArray(out, oi + 24);
        a4.mul(1f / sc[sums + 1]).intoArray(out, oi + 32);
        a5.mul(1f / sc[sums + 5]).intoArray(out, oi + 40);
        a6.mul(1f / sc[sums + 3]).intoArray(out, oi + 48);
        a7.mul(1f / sc[sums + 7]).intoArray(out, oi + 56);
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
        Parallel.forEach(dm.b * dm.kv, dm.work() >= PARALLEL_MIN, item -> {
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
                        VectorMath.scale(scale, w.p, pr, visible);
                        VectorMath.expShifted(w.p, pr, l, w.p, pr, visible);
                        java.util.Arrays.fill(w.p, pr + visible, pr + n, 0f);
                        VectorMath.shiftScaleMul(w.dp, pr, -rowDot, scale, w.p, pr, visible); // dS, in dp
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
