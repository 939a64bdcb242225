package dev.pmcj.tensor.vector;

import dev.pmcj.tensor.Checks;
import dev.pmcj.tensor.Tensor;

/**
 * Causal grouped-query attention fused per head: scores, softmax and the weighted sum of values for
 * one query never leave a per-thread row buffer, and nothing of size {@code T x S} is materialised.
 * Two-pass softmax (scores first, then max-shifted exponentials). Layouts as in
 * {@link dev.pmcj.tensor.Backend#attention}: q, out {@code [B, T, H, D]}; k, v {@code [B, S, KV, D]};
 * lse {@code [B, H, T]}. Arguments are validated by the caller.
 */
final class FusedAttention {
    /** Below this many multiply-adds the work stays on the calling thread. */
    private static final long PARALLEL_MIN = 1L << 16;

    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[][]{new float[0]});

    private FusedAttention() {
    }

    private static float[] row(int n) {
        float[][] holder = ROW.get();
        if (holder[0].length < n) holder[0] = new float[n];
        return holder[0];
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

    /** Parallel over (batch, query head); each task writes only its own rows of out and lse. */
    static void forward(Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse) {
        String op = "attention";
        Dims dm = Dims.of(q, k);
        float[] qs = Checks.host(op, "q", q), ks = Checks.host(op, "k", k), vs = Checks.host(op, "v", v);
        float[] os = Checks.host(op, "out", out), ls = Checks.host(op, "lse", lse);
        int q0 = q.offset(), k0 = k.offset(), v0 = v.offset(), o0 = out.offset(), l0 = lse.offset();
        int d = dm.d;
        float scale = (float) (1 / Math.sqrt(d));
        Parallel.forEach(dm.b * dm.h, dm.work() >= PARALLEL_MIN, item -> {
            int b = item / dm.h, h = item % dm.h, g = h / dm.group();
            for (int t = 0; t < dm.t; t++) {
                int pos = qPos[b * dm.t + t], qi = ((b * dm.t + t) * dm.h + h) * d;
                float[] sc = row(pos + 1);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j <= pos; j++) {
                    int ki = ((b * dm.s + j) * dm.kv + g) * d;
                    float s = VectorMath.dot(qs, q0 + qi, ks, k0 + ki, d) * scale;
                    sc[j] = s;
                    max = Math.max(max, s);
                }
                float sum = VectorMath.expShifted(sc, 0, max, sc, 0, pos + 1), inv = 1f / sum;
                java.util.Arrays.fill(os, o0 + qi, o0 + qi + d, 0f);
                for (int j = 0; j <= pos; j++) {
                    int vi = ((b * dm.s + j) * dm.kv + g) * d;
                    VectorMath.axpy(sc[j] * inv, vs, v0 + vi, os, o0 + qi, d);
                }
                ls[l0 + (b * dm.h + h) * dm.t + t] = max + (float) Math.log(sum);
            }
        });
    }

    /**
     * Parallel over (batch, KV head): a task owns the dk and dv rows of its KV head and the dq rows of
     * the query heads that read it, so no two tasks write the same gradient.
     * With p_j = exp(s_j - lse): dv_j += p_j dout; ds_j = p_j (dout.v_j - dout.out) / sqrt(D);
     * dq += ds_j k_j; dk_j += ds_j q.
     */
    static void backward(Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse, Tensor dout,
                         Tensor dq, Tensor dk, Tensor dv) {
        String op = "attentionBackward";
        Dims dm = Dims.of(q, k);
        float[] qs = Checks.host(op, "q", q), ks = Checks.host(op, "k", k), vs = Checks.host(op, "v", v);
        float[] os = Checks.host(op, "out", out), ls = Checks.host(op, "lse", lse), gs = Checks.host(op, "dout", dout);
        float[] dqs = Checks.host(op, "dq", dq), dks = Checks.host(op, "dk", dk), dvs = Checks.host(op, "dv", dv);
        int q0 = q.offset(), k0 = k.offset(), v0 = v.offset(), o0 = out.offset(), l0 = lse.offset(), g0 = dout.offset();
        int dq0 = dq.offset(), dk0 = dk.offset(), dv0 = dv.offset();
        int d = dm.d;
        float scale = (float) (1 / Math.sqrt(d));
        Parallel.forEach(dm.b * dm.kv, dm.work() >= PARALLEL_MIN, item -> {
            int b = item / dm.kv, g = item % dm.kv;
            for (int h = g * dm.group(); h < (g + 1) * dm.group(); h++) {
                for (int t = 0; t < dm.t; t++) {
                    int pos = qPos[b * dm.t + t], qi = ((b * dm.t + t) * dm.h + h) * d;
                    float l = ls[l0 + (b * dm.h + h) * dm.t + t];
                    float rowDot = VectorMath.dot(gs, g0 + qi, os, o0 + qi, d);
                    for (int j = 0; j <= pos; j++) {
                        int ki = ((b * dm.s + j) * dm.kv + g) * d;
                        float p = (float) Math.exp(VectorMath.dot(qs, q0 + qi, ks, k0 + ki, d) * scale - l);
                        VectorMath.axpy(p, gs, g0 + qi, dvs, dv0 + ki, d);
                        float ds = p * (VectorMath.dot(gs, g0 + qi, vs, v0 + ki, d) - rowDot) * scale;
                        VectorMath.axpy(ds, ks, k0 + ki, dqs, dq0 + qi, d);
                        VectorMath.axpy(ds, qs, q0 + qi, dks, dk0 + ki, d);
                    }
                }
            }
        });
    }
}
