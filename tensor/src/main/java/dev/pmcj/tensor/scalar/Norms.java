package dev.pmcj.tensor.scalar;

/**
 * Last-axis kernels over {@code rows x n} contiguous data: softmax, log-softmax, LayerNorm, RMSNorm
 * and their backward passes. Row sums are accumulated in double.
 */
public final class Norms {
    private Norms() {
    }

    public static void softmax(Buf x, Buf out, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            double max = rowMax(x, base, n), sum = 0;
            for (int i = 0; i < n; i++) sum += Math.exp(x.get(base + i) - max);
            for (int i = 0; i < n; i++) out.set(base + i, Math.exp(x.get(base + i) - max) / sum);
        }
    }

    public static void softmaxBackward(Buf y, Buf dy, Buf dx, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            double dot = 0;
            for (int i = 0; i < n; i++) dot += (double) dy.get(base + i) * y.get(base + i);
            for (int i = 0; i < n; i++) dx.add(base + i, y.get(base + i) * (dy.get(base + i) - dot));
        }
    }

    public static void logSoftmax(Buf x, Buf out, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            double logZ = logSumExp(x, base, n);
            for (int i = 0; i < n; i++) out.set(base + i, x.get(base + i) - logZ);
        }
    }

    public static void logSoftmaxBackward(Buf y, Buf dy, Buf dx, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            double sum = 0;
            for (int i = 0; i < n; i++) sum += dy.get(base + i);
            for (int i = 0; i < n; i++) dx.add(base + i, dy.get(base + i) - Math.exp(y.get(base + i)) * sum);
        }
    }

    /** log(sum_i exp(x[base + i])), shifted by the maximum so nothing overflows. */
    public static double logSumExp(Buf x, int base, int n) {
        double max = rowMax(x, base, n), sum = 0;
        if (max == Double.NEGATIVE_INFINITY) return max;
        for (int i = 0; i < n; i++) sum += Math.exp(x.get(base + i) - max);
        return max + Math.log(sum);
    }

    private static double rowMax(Buf x, int base, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x.get(base + i));
        return max;
    }

    /** y = (x - mean) * rstd * gamma + beta with the biased (population) variance, as PyTorch. */
    public static void layerNorm(Buf x, Buf gamma, Buf beta, double eps, Buf out, Buf mean, Buf rstd, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            double mu = 0, var = 0;
            for (int i = 0; i < n; i++) mu += x.get(base + i);
            mu /= n;
            for (int i = 0; i < n; i++) var += sq(x.get(base + i) - mu);
            var /= n;
            double rs = 1 / Math.sqrt(var + eps);
            for (int i = 0; i < n; i++) {
                double b = beta == null ? 0 : beta.get(i);
                out.set(base + i, (x.get(base + i) - mu) * rs * gamma.get(i) + b);
            }
            mean.set(r, mu);
            rstd.set(r, rs);
        }
    }

    /**
     * With xhat = (x - mean) rstd and g = dy * gamma:
     * dx = rstd (g - mean(g) - xhat mean(g xhat)), dgamma = sum_rows dy xhat, dbeta = sum_rows dy.
     */
    public static void layerNormBackward(Buf dy, Buf x, Buf gamma, Buf mean, Buf rstd,
                                         Buf dx, Buf dgamma, Buf dbeta, int rows, int n) {
        double[] dg = new double[n], db = new double[n];
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            double mu = mean.get(r), rs = rstd.get(r), meanG = 0, meanGx = 0;
            for (int i = 0; i < n; i++) {
                double xhat = (x.get(base + i) - mu) * rs, g = (double) dy.get(base + i) * gamma.get(i);
                meanG += g;
                meanGx += g * xhat;
                dg[i] += dy.get(base + i) * xhat;
                db[i] += dy.get(base + i);
            }
            meanG /= n;
            meanGx /= n;
            for (int i = 0; i < n; i++) {
                double xhat = (x.get(base + i) - mu) * rs, g = (double) dy.get(base + i) * gamma.get(i);
                dx.add(base + i, rs * (g - meanG - xhat * meanGx));
            }
        }
        for (int i = 0; i < n; i++) {
            dgamma.add(i, dg[i]);
            if (dbeta != null) dbeta.add(i, db[i]);
        }
    }

    /** y = x * rstd * gamma with rstd = 1 / sqrt(mean(x^2) + eps). */
    public static void rmsNorm(Buf x, Buf gamma, double eps, Buf out, Buf rstd, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            double ms = 0;
            for (int i = 0; i < n; i++) ms += sq(x.get(base + i));
            double rs = 1 / Math.sqrt(ms / n + eps);
            for (int i = 0; i < n; i++) out.set(base + i, x.get(base + i) * rs * gamma.get(i));
            rstd.set(r, rs);
        }
    }

    /** dx_j = rstd gamma_j dy_j - x_j rstd^3 / n * sum_i dy_i gamma_i x_i; dgamma = sum_rows dy x rstd. */
    public static void rmsNormBackward(Buf dy, Buf x, Buf gamma, Buf rstd, Buf dx, Buf dgamma, int rows, int n) {
        double[] dg = new double[n];
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            double rs = rstd.get(r), dot = 0;
            for (int i = 0; i < n; i++) {
                dot += (double) dy.get(base + i) * gamma.get(i) * x.get(base + i);
                dg[i] += (double) dy.get(base + i) * x.get(base + i) * rs;
            }
            for (int i = 0; i < n; i++) {
                dx.add(base + i, rs * gamma.get(i) * dy.get(base + i) - x.get(base + i) * rs * rs * rs * dot / n);
            }
        }
        for (int i = 0; i < n; i++) dgamma.add(i, dg[i]);
    }

    private static double sq(double v) {
        return v * v;
    }
}
