package dev.pmcj.tensor.scalar;

/**
 * Rotary embedding and causal grouped-query attention, written as the textbook formulas:
 * scores {@code s_j = q . k_j / sqrt(D)} for the keys {@code j <= qPos}, {@code p = softmax(s)},
 * {@code out = sum_j p_j v_j}. Layouts: q, out {@code [B, T, H, D]}; k, v {@code [B, S, KV, D]};
 * lse {@code [B, H, T]}; q, k, v and their gradients may have token rows any distance apart ({@link Rows}).
 */
public final class Attention {
    private Attention() {
    }

    /**
     * Rotates pair (2i, 2i+1) of row n (sign = 1) or by the opposite angle (sign = -1, the transpose);
     * x's rows are xRow apart, out's dense.
     */
    public static void rope(Buf x, int xRow, int[] positions, double theta, Buf out, boolean accumulate, double sign,
                            int heads, int d) {
        for (int n = 0; n < positions.length; n++) {
            for (int i = 0; i < d / 2; i++) {
                double angle = sign * positions[n] * Math.pow(theta, -2.0 * i / d);
                double c = Math.cos(angle), s = Math.sin(angle);
                for (int h = 0; h < heads; h++) {
                    int at = (n * heads + h) * d + 2 * i, from = n * xRow + h * d + 2 * i;
                    double x0 = x.get(from), x1 = x.get(from + 1);
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
        /** The KV head that query head {@code hi} reads. */
        int group(int hi) {
            return hi / (h / kv);
        }

        /** Dense {@code [B, T, H, D]} (out, dout, the backward's scratch for dq). */
        Rows queryRows() {
            return new Rows(t * h * d, h * d, d);
        }

        /** Dense {@code [B, S, KV, D]} (the backward's scratch for dk and dv). */
        Rows keyRows() {
            return new Rows(s * kv * d, kv * d, d);
        }

        int lseIndex(int bi, int ti, int hi) {
            return (bi * h + hi) * t + ti;
        }
    }

    /**
     * Where a {@code [B, T, H, D]} tensor's head {@code (b, t, h)} starts: token rows {@code s1}
     * apart, batches {@code s0} apart, a row's heads one after another (views of a fused projection).
     */
    public record Rows(int s0, int s1, int d) {
        public static Rows of(dev.pmcj.tensor.Tensor t) {
            return new Rows(t.stride(0), t.stride(1), t.dim(3));
        }

        int at(int b, int t, int h) {
            return b * s0 + t * s1 + h * d;
        }
    }

    /** A tensor's numbers with its {@link Rows} layout. */
    public record Heads(Buf buf, Rows rows) {
        int at(int b, int t, int h) {
            return rows.at(b, t, h);
        }
    }

    public static void forward(Heads q, Heads k, Heads v, int[] qPos, Buf out, Buf lse, Dims dm) {
        Rows outRows = dm.queryRows();
        for (int b = 0; b < dm.b; b++) {
            for (int t = 0; t < dm.t; t++) {
                int pos = qPos[b * dm.t + t];
                for (int h = 0; h < dm.h; h++) {
                    double[] s = scores(q, k, b, t, h, pos, dm);
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (double sj : s) max = Math.max(max, sj);
                    for (double sj : s) sum += Math.exp(sj - max);
                    double logZ = max + Math.log(sum);
                    int oi = outRows.at(b, t, h);
                    for (int e = 0; e < dm.d; e++) {
                        double acc = 0;
                        for (int j = 0; j <= pos; j++) acc += Math.exp(s[j] - logZ) * v.buf.get(v.at(b, j, dm.group(h)) + e);
                        out.set(oi + e, acc);
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
    public static void backward(Heads q, Heads k, Heads v, int[] qPos, Buf out, Buf lse, Buf dout,
                                Heads dq, Heads dk, Heads dv, Dims dm) {
        double scale = 1 / Math.sqrt(dm.d);
        Rows qRows = dm.queryRows(), kRows = dm.keyRows();
        double[] gq = new double[dm.b * dm.t * dm.h * dm.d], gk = new double[dm.b * dm.s * dm.kv * dm.d];
        double[] gv = new double[gk.length];
        for (int b = 0; b < dm.b; b++) {
            for (int t = 0; t < dm.t; t++) {
                int pos = qPos[b * dm.t + t];
                for (int h = 0; h < dm.h; h++) {
                    int oi = qRows.at(b, t, h), qi = q.at(b, t, h);
                    double[] s = scores(q, k, b, t, h, pos, dm);
                    double logZ = lse.get(dm.lseIndex(b, t, h)), rowDot = 0;
                    for (int e = 0; e < dm.d; e++) rowDot += (double) dout.get(oi + e) * out.get(oi + e);
                    for (int j = 0; j <= pos; j++) {
                        int g = dm.group(h), ki = k.at(b, j, g), vi = v.at(b, j, g), gi = kRows.at(b, j, g);
                        double p = Math.exp(s[j] - logZ), dp = 0;
                        for (int e = 0; e < dm.d; e++) dp += (double) dout.get(oi + e) * v.buf.get(vi + e);
                        double ds = p * (dp - rowDot) * scale;
                        for (int e = 0; e < dm.d; e++) {
                            gv[gi + e] += p * dout.get(oi + e);
                            gq[oi + e] += ds * k.buf.get(ki + e);
                            gk[gi + e] += ds * q.buf.get(qi + e);
                        }
                    }
                }
            }
        }
        for (int b = 0; b < dm.b; b++) {
            for (int t = 0; t < dm.t; t++) {
                for (int h = 0; h < dm.h; h++) addRow(gq, qRows.at(b, t, h), dq, dq.at(b, t, h), dm.d);
            }
            for (int j = 0; j < dm.s; j++) {
                for (int g = 0; g < dm.kv; g++) {
                    addRow(gk, kRows.at(b, j, g), dk, dk.at(b, j, g), dm.d);
                    addRow(gv, kRows.at(b, j, g), dv, dv.at(b, j, g), dm.d);
                }
            }
        }
    }

    private static void addRow(double[] from, int fi, Heads to, int ti, int d) {
        for (int e = 0; e < d; e++) to.buf.add(ti + e, from[fi + e]);
    }

    /** s_j = q . k_j / sqrt(D) for j = 0..pos. */
    private static double[] scores(Heads q, Heads k, int b, int t, int h, int pos, Dims dm) {
        double scale = 1 / Math.sqrt(dm.d);
        double[] s = new double[pos + 1];
        int qi = q.at(b, t, h);
        for (int j = 0; j <= pos; j++) {
            int ki = k.at(b, j, dm.group(h));
            double dot = 0;
            for (int e = 0; e < dm.d; e++) dot += (double) q.buf.get(qi + e) * k.buf.get(ki + e);
            s[j] = dot * scale;
        }
        return s;
    }
}
