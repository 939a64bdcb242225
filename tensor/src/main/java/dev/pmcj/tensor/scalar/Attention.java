package dev.pmcj.tensor.scalar;

/**
 * Rotary embedding and causal grouped-query attention, written as the textbook formulas:
 * scores {@code s_j = q . k_j / sqrt(D)} for the keys {@code j <= qPos}, {@code p = softmax(s)},
 * {@code out = sum_j p_j v_j}. Layouts: q, out {@code [B, T, H, D]}; k, v {@code [B, S, KV, D]};
 * lse {@code [B, H, T]}.
 */
public final class Attention {
    private Attention() {
    }

    /** Rotates pair (2i, 2i+1) of row n (sign = 1) or by the opposite angle (sign = -1, the transpose). */
    public static void rope(Buf x, int[] positions, double theta, Buf out, boolean accumulate, double sign,
                            int heads, int d) {
        for (int n = 0; n < positions.length; n++) {
            for (int i = 0; i < d / 2; i++) {
                double angle = sign * positions[n] * Math.pow(theta, -2.0 * i / d);
                double c = Math.cos(angle), s = Math.sin(angle);
                for (int h = 0; h < heads; h++) {
                    int at = (n * heads + h) * d + 2 * i;
                    double x0 = x.get(at), x1 = x.get(at + 1);
                    double y0 = x0 * c - x1 * s, y1 = x0 * s + x1 * c;
                    if (accumulate) {
                        out.add(at, y0);
                        out.add(at + 1, y1);
                    } else {
                        out.set(at, y0);
                        out.set(at + 1, y1);
                    }
                }
            }
        }
    }

    /** Sizes shared by forward and backward. */
    public record Dims(int b, int t, int h, int d, int s, int kv) {
        int qIndex(int bi, int ti, int hi) {
            return ((bi * t + ti) * h + hi) * d;
        }

        int kIndex(int bi, int j, int hi) {
            return ((bi * s + j) * kv + hi / (h / kv)) * d;
        }

        int lseIndex(int bi, int ti, int hi) {
            return (bi * h + hi) * t + ti;
        }
    }

    public static void forward(Buf q, Buf k, Buf v, int[] qPos, Buf out, Buf lse, Dims dm) {
        for (int b = 0; b < dm.b; b++) {
            for (int t = 0; t < dm.t; t++) {
                int pos = qPos[b * dm.t + t];
                for (int h = 0; h < dm.h; h++) {
                    int qi = dm.qIndex(b, t, h);
                    double[] s = scores(q, k, qi, b, h, pos, dm);
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (double sj : s) max = Math.max(max, sj);
                    for (double sj : s) sum += Math.exp(sj - max);
                    double logZ = max + Math.log(sum);
                    for (int e = 0; e < dm.d; e++) {
                        double acc = 0;
                        for (int j = 0; j <= pos; j++) acc += Math.exp(s[j] - logZ) * v.get(dm.kIndex(b, j, h) + e);
                        out.set(qi + e, acc);
                    }
                    lse.set(dm.lseIndex(b, t, h), logZ);
                }
            }
        }
    }

    /**
     * With p_j = exp(s_j - lse) and dp_j = dout . v_j: dv_j += p_j dout;
     * ds_j = p_j (dp_j - dout . out); dq += ds_j k_j / sqrt(D); dk_j += ds_j q / sqrt(D).
     * Sums run in double scratch and are added to the gradients once at the end.
     */
    public static void backward(Buf q, Buf k, Buf v, int[] qPos, Buf out, Buf lse, Buf dout,
                                Buf dq, Buf dk, Buf dv, Dims dm) {
        double scale = 1 / Math.sqrt(dm.d);
        double[] gq = new double[dm.b * dm.t * dm.h * dm.d], gk = new double[dm.b * dm.s * dm.kv * dm.d];
        double[] gv = new double[gk.length];
        for (int b = 0; b < dm.b; b++) {
            for (int t = 0; t < dm.t; t++) {
                int pos = qPos[b * dm.t + t];
                for (int h = 0; h < dm.h; h++) {
                    int qi = dm.qIndex(b, t, h);
                    double[] s = scores(q, k, qi, b, h, pos, dm);
                    double logZ = lse.get(dm.lseIndex(b, t, h)), rowDot = 0;
                    for (int e = 0; e < dm.d; e++) rowDot += (double) dout.get(qi + e) * out.get(qi + e);
                    for (int j = 0; j <= pos; j++) {
                        int ki = dm.kIndex(b, j, h);
                        double p = Math.exp(s[j] - logZ), dp = 0;
                        for (int e = 0; e < dm.d; e++) dp += (double) dout.get(qi + e) * v.get(ki + e);
                        double ds = p * (dp - rowDot) * scale;
                        for (int e = 0; e < dm.d; e++) {
                            gv[ki + e] += p * dout.get(qi + e);
                            gq[qi + e] += ds * k.get(ki + e);
                            gk[ki + e] += ds * q.get(qi + e);
                        }
                    }
                }
            }
        }
        for (int i = 0; i < gq.length; i++) dq.add(i, gq[i]);
        for (int i = 0; i < gk.length; i++) {
            dk.add(i, gk[i]);
            dv.add(i, gv[i]);
        }
    }

    /** s_j = q . k_j / sqrt(D) for j = 0..pos. */
    private static double[] scores(Buf q, Buf k, int qi, int b, int h, int pos, Dims dm) {
        double scale = 1 / Math.sqrt(dm.d);
        double[] s = new double[pos + 1];
        for (int j = 0; j <= pos; j++) {
            int ki = dm.kIndex(b, j, h);
            double dot = 0;
            for (int e = 0; e < dm.d; e++) dot += (double) q.get(qi + e) * k.get(ki + e);
            s[j] = dot * scale;
        }
        return s;
    }
}
