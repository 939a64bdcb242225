package dev.pmcj.tensor.scalar;

/** Embedding lookup and label-smoothed cross-entropy over {@code [N, V]} logits. */
public final class Losses {
    private Losses() {
    }

    public static void embedding(Buf table, int[] ids, Buf out, int d) {
        for (int n = 0; n < ids.length; n++) {
            for (int e = 0; e < d; e++) out.set(n * d + e, table.get(ids[n] * d + e));
        }
    }

    public static void embeddingBackward(Buf dout, int[] ids, Buf dtable, int d) {
        for (int n = 0; n < ids.length; n++) {
            for (int e = 0; e < d; e++) dtable.add(ids[n] * d + e, dout.get(n * d + e));
        }
    }

    /**
     * loss = -sum_c q_c log p_c with q = (1-s) onehot(target) + s/V; negative targets give 0. Terms
     * with q_c = 0 add nothing (0 log 0 = 0), so logits masked to -inf leave the loss finite without
     * smoothing.
     */
    public static void crossEntropy(Buf logits, int[] targets, double smoothing, Buf losses, int vocab) {
        for (int n = 0; n < targets.length; n++) {
            if (targets[n] < 0) {
                losses.set(n, 0);
                continue;
            }
            int base = n * vocab;
            double logZ = Norms.logSumExp(logits, base, vocab), loss = 0;
            for (int c = 0; c < vocab; c++) {
                double q = target(c, targets[n], smoothing, vocab);
                if (q != 0) loss -= q * (logits.get(base + c) - logZ);
            }
            losses.set(n, loss);
        }
    }

    /** dlogits[n] += dlosses[n] (softmax(logits[n]) - q). */
    public static void crossEntropyBackward(Buf logits, int[] targets, double smoothing, Buf dlosses, Buf dlogits,
                                            int vocab) {
        for (int n = 0; n < targets.length; n++) {
            if (targets[n] < 0) continue;
            int base = n * vocab;
            double logZ = Norms.logSumExp(logits, base, vocab), g = dlosses.get(n);
            for (int c = 0; c < vocab; c++) {
                double p = Math.exp(logits.get(base + c) - logZ);
                dlogits.add(base + c, g * (p - target(c, targets[n], smoothing, vocab)));
            }
        }
    }

    private static double target(int c, int target, double smoothing, int vocab) {
        return (c == target ? 1 - smoothing : 0) + smoothing / vocab;
    }
}
