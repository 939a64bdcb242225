package dev.pmcj.tensor.vector;

import dev.pmcj.tensor.Checks;
import dev.pmcj.tensor.Tensor;

import static dev.pmcj.tensor.vector.Gemm.Causal.BY_KEYS;
import static dev.pmcj.tensor.vector.Gemm.Causal.BY_QUERIES;
import static dev.pmcj.tensor.vector.Gemm.Causal.SCORES;

/**
 * Causal grouped-query attention fused per head. Many queries (training, prefill) go by tiles of 64:
 * their scores are a per-thread {@code 64 x S} tile, and the products with keys and values are packed
 * GEMMs; a few queries (decoding) go one at a time through {@link DecodeAttention}. Nothing of size
 * {@code T x S} is materialised. Two-pass softmax (scores first, then max-shifted exponentials);
 * the backward recomputes the probabilities from the saved log-sum-exp. Layouts as in
 * {@link dev.pmcj.tensor.Backend#attention}: q, out {@code [B, T, H, D]}; k, v {@code [B, S, KV, D]};
 * lse {@code [B, H, T]}; q, k, v and their gradients may be views with token rows any stride apart
 * (slices of one fused projection), out and dout are contiguous. Arguments are validated by the caller.
 */
final class FusedAttention {
    /** Below this many multiply-adds the work stays on the calling thread. */
    private static final long PARALLEL_MIN = 1L << 16;

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
        boolean oneVector = DecodeAttention.oneVector(d);
        if (oneVector && DecodeAttention.eightAtOnce(dm.h, dm.group()) && dm.t < TILED_MIN_QUERIES) {
            int blocks = dm.h / DecodeAttention.HEADS_AT_ONCE;
            Parallel.forEach(dm.b * dm.t * blocks, dm.work() >= PARALLEL_MIN, item -> {
                int row = item / blocks, h0 = (item % blocks) * DecodeAttention.HEADS_AT_ONCE, b = row / dm.t, t = row % dm.t;
                DecodeAttention.eightHeads(qs, at(q, b, t, h0), scale, ks, at(k, b, 0, 0), k.stride(1), vs, at(v, b, 0, 0),
                        v.stride(1), h0, dm.group(), qPos[row] + 1, os, at(out, b, t, h0), ls, l0 + (b * dm.h + h0) * dm.t + t, dm.t);
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
                            ls[l0 + (b * dm.h + h) * dm.t + t] = VectorMath.softmaxScaled(p, pr, scale, visible);
                            java.util.Arrays.fill(p, pr + visible, pr + n, 0f);
                        }
                        Gemm.packed(p, 0, n, 1, vs, vBase, vs1, 1, os, oi, os1, rows, d, n, false, BY_KEYS, qPos, from);
                    }
                    continue;
                }
                for (int t = 0; t < dm.t; t++) {
                    ls[l0 + (b * dm.h + h) * dm.t + t] = DecodeAttention.row(qs, at(q, b, t, h), scale, ks, kBase, ks1, vs, vBase,
                            vs1, d, qPos[b * dm.t + t] + 1, os, at(out, b, t, h), oneVector);
                }
            }
        });
    }

    /** Where head {@code h} of token {@code t} in batch {@code b} starts: a row's heads are contiguous, rows and batches any stride apart (out and dout: dense). */
    private static int at(Tensor x, int b, int t, int h) {
        return x.offset() + b * x.stride(0) + t * x.stride(1) + h * x.dim(3);
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
