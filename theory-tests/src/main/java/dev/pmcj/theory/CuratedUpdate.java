package dev.pmcj.theory;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.util.CombinatoricsUtils;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * The exact expected curated-retraining update (Ferbach et al.): p'(x) = p(x) H(x), where H(x) is K times
 * the probability that a candidate equal to x wins against K-1 independent draws from p.
 * For Bradley-Terry, H(x) = E[K e^{r(x)/tau} / (e^{r(x)/tau} + sum_{j<K} e^{r(x_j)/tau})], summed exactly over
 * the multisets of rewards of the K-1 other draws. For argmax (uniform among tied winners, which for
 * exchangeable candidates is the same law as first-index-on-ties), H(x) = ((a+b)^K - a^K) / b with
 * a = P(r < r(x)), b = P(r = r(x)).
 */
public record CuratedUpdate(int k, double[] rewards, Selection selection) implements RefitProcess {
    /** Cap on enumerated multisets per update. */
    static final double MAX_MULTISETS = 2e7;

    public CuratedUpdate {
        if (k < 1) throw new IllegalArgumentException("K (candidates) must be >= 1, got " + k);
        for (int i = 0; i < rewards.length; i++)
            if (!Double.isFinite(rewards[i])) throw new IllegalArgumentException("reward " + i + " is " + rewards[i]);
        rewards = rewards.clone();
    }

    /** Bradley-Terry with temperature 1, the setting of the theory. */
    public static CuratedUpdate bradleyTerry(int k, double[] rewards) {
        return new CuratedUpdate(k, rewards, new Selection.BradleyTerry(1));
    }

    @Override
    public double[] rewards() {
        return rewards.clone();
    }

    /** e^{r} per category: the quantity whose mean the theory tracks. */
    public double[] expRewards() {
        return Arrays.stream(rewards).map(Math::exp).toArray();
    }

    public double maxReward() {
        return Arrays.stream(rewards).max().orElseThrow();
    }

    /** The update; randomness is not used (it is exact). The result is renormalised against rounding drift. */
    @Override
    public Categorical step(Categorical current, RandomGenerator unused) {
        return step(current);
    }

    public Categorical step(Categorical current) {
        double[] h = gain(current);
        double[] w = new double[h.length];
        for (int i = 0; i < w.length; i++) w[i] = current.p(i) * h[i];
        return Categorical.fromCounts(w);
    }

    /** H(x) per category. */
    public double[] gain(Categorical p) {
        p.requireSize(rewards);
        return switch (selection) {
            case Selection.Argmax ignored -> argmaxGain(p);
            case Selection.BradleyTerry bt -> bradleyTerryGain(p, bt.temperature());
        };
    }

    private double[] argmaxGain(Categorical p) {
        double[] h = new double[rewards.length];
        for (int x = 0; x < h.length; x++) {
            double a = 0, b = 0;
            for (int i = 0; i < h.length; i++) {
                if (rewards[i] < rewards[x]) a += p.p(i);
                else if (rewards[i] == rewards[x]) b += p.p(i);
            }
            // ((a+b)^K - a^K) / b as the geometric sum, stable as b -> 0.
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.pow(a + b, j) * Math.pow(a, k - 1 - j);
            h[x] = sum;
        }
        return h;
    }

    private double[] bradleyTerryGain(Categorical p, double temperature) {
        TreeMap<Double, Double> massByReward = new TreeMap<>();
        for (int i = 0; i < rewards.length; i++) massByReward.merge(rewards[i], p.p(i), Double::sum);
        double[] values = massByReward.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        double[] masses = massByReward.values().stream().mapToDouble(Double::doubleValue).toArray();
        int n = values.length;
        double multisets = CombinatoricsUtils.binomialCoefficientDouble(k - 1 + n - 1, n - 1);
        if (multisets > MAX_MULTISETS)
            throw new IllegalArgumentException("exact curated update with K=" + k + " and " + n
                    + " distinct rewards needs " + multisets + " multisets (limit " + MAX_MULTISETS + ")");
        // ratio[x][j] = e^{(v_j - v_x)/tau}: each term is 1 / (1 + sum_j m_j ratio[x][j]), free of overflow.
        double[][] ratio = new double[n][n];
        for (int x = 0; x < n; x++) for (int j = 0; j < n; j++) ratio[x][j] = Math.exp((values[j] - values[x]) / temperature);
        double[] gainByValue = new double[n];
        enumerate(masses, ratio, 0, k - 1, 0, new int[n], gainByValue);
        double[] h = new double[rewards.length];
        for (int i = 0; i < h.length; i++) h[i] = gainByValue[Arrays.binarySearch(values, rewards[i])];
        return h;
    }

    /** Sums over the count vectors (m_0..m_{n-1}) of the K-1 other draws, weighted by their multinomial law. */
    private void enumerate(double[] masses, double[][] ratio, int group, int remaining, double logProb, int[] m, double[] out) {
        int n = masses.length;
        if (group == n - 1) {
            if (remaining > 0 && masses[group] == 0) return;
            m[group] = remaining;
            double prob = Math.exp(logProb + (remaining == 0 ? 0 : remaining * Math.log(masses[group])));
            for (int x = 0; x < n; x++) {
                double denom = 1;
                for (int j = 0; j < n; j++) denom += m[j] * ratio[x][j];
                out[x] += prob * k / denom;
            }
            return;
        }
        int maxHere = masses[group] == 0 ? 0 : remaining;
        for (int c = 0; c <= maxHere; c++) {
            m[group] = c;
            double lp = logProb + CombinatoricsUtils.binomialCoefficientLog(remaining, c)
                    + (c == 0 ? 0 : c * Math.log(masses[group]));
            enumerate(masses, ratio, group + 1, remaining - c, lp, m, out);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CuratedUpdate c && k == c.k && Arrays.equals(rewards, c.rewards) && selection.equals(c.selection);
    }

    @Override
    public int hashCode() {
        return (31 * k + Arrays.hashCode(rewards)) * 31 + selection.hashCode();
    }

    @Override
    public String toString() {
        return "CuratedUpdate[k=" + k + ", rewards=" + Arrays.toString(rewards) + ", selection=" + selection + "]";
    }
}
