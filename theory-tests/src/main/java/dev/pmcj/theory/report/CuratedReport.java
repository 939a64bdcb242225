package dev.pmcj.theory.report;

import dev.pmcj.theory.Categorical;
import dev.pmcj.theory.CuratedUpdate;
import dev.pmcj.theory.SampledCuration;
import dev.pmcj.theory.Selection;
import dev.pmcj.theory.plot.Plot;
import dev.pmcj.theory.plot.SvgPlot;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Curated retraining: E[e^r] per round under the exact update, its lower bound, and finite-sample runs. */
final class CuratedReport {
    private static final int[] REPORTED_ROUNDS = {0, 1, 2, 5, 10, 20, 30};

    private CuratedReport() {}

    static Selection selection(double temperature) {
        return temperature == 0 ? new Selection.Argmax() : new Selection.BradleyTerry(temperature);
    }

    static Summary run(TheoryOptions o) throws IOException {
        Categorical p0 = Categorical.fromCounts(o.counts());
        double[] rewards = o.rewards();
        int k = o.k(), rounds = o.rounds(), runs = o.runs(), n = p0.size();
        CuratedUpdate exact = new CuratedUpdate(k, rewards, selection(o.temperature()));
        double[] w = exact.expRewards();
        double top = Math.exp(exact.maxReward());

        Categorical[] p = exact.trajectory(p0, rounds, null);
        RandomGenerator rng = new Well19937c(o.seed());
        SampledCuration sampled = new SampledCuration(k, rewards, exact.selection(), o.samples());
        double[][] sampledReward = new double[runs][rounds + 1];
        for (int run = 0; run < runs; run++) {
            Categorical[] traj = sampled.trajectory(p0, rounds, rng);
            for (int t = 0; t <= rounds; t++) sampledReward[run][t] = traj[t].mean(w);
        }

        List<String> header = new ArrayList<>(List.of("round", "exact", "bound", "top", "sampled_mean", "sampled_p05", "sampled_p95"));
        for (int i = 1; i <= n; i++) header.add("p_" + i);
        Csv csv = new Csv(header);
        double[] x = new double[rounds + 1], e = new double[rounds + 1], bound = new double[rounds + 1],
                tops = new double[rounds + 1], mean = new double[rounds + 1], lo = new double[rounds + 1], hi = new double[rounds + 1];
        for (int t = 0; t <= rounds; t++) {
            double[] col = Quantiles.column(sampledReward, t);
            x[t] = t;
            e[t] = p[t].mean(w);
            // pmc.md: E_{t+1} >= E_t + ((K-1)/K) Var_t / e^{r*}; only the exact gain applies at t = 0.
            bound[t] = t == 0 ? Double.NaN : p[t - 1].mean(w) + (k - 1.0) / k * p[t - 1].variance(w) / top;
            tops[t] = top;
            mean[t] = Quantiles.mean(col);
            lo[t] = Quantiles.quantile(col, 0.05);
            hi[t] = Quantiles.quantile(col, 0.95);
            double[] row = new double[header.size()];
            double[] head = {t, e[t], bound[t], top, mean[t], lo[t], hi[t]};
            System.arraycopy(head, 0, row, 0, head.length);
            for (int i = 0; i < n; i++) row[head.length + i] = p[t].p(i);
            csv.row(row);
        }
        AtomicFiles.write(o.out().resolve("curated.csv"), csv.toString());
        AtomicFiles.write(o.out().resolve("curated.svg"), SvgPlot.render(new Plot(
                "Curated retraining: E[e^r] per round (K = " + k + ", " + exact.selection() + ")", "round", "E[e^r]",
                List.of(new Plot.Band("finite sample, 5-95% of " + runs + " runs (M = " + o.samples() + ")", SvgPlot.PALETTE.get(0), x, lo, hi),
                        new Plot.Line("finite sample, mean", SvgPlot.PALETTE.get(0), x, mean, false),
                        new Plot.Line("exact expected update", SvgPlot.PALETTE.get(1), x, e, false),
                        new Plot.Line("lower bound E_t + (K-1)/K Var_t / e^r*", SvgPlot.PALETTE.get(2), x, bound, true),
                        new Plot.Line("e^r*", "#555555", x, tops, true)))));

        Summary s = new Summary().put("mode", "curated").put("runs", runs).put("rounds", rounds).put("seed", o.seed())
                .put("k", k).put("samples", o.samples()).put("temperature", o.temperature()).put("top_exp_reward", top);
        for (int t : REPORTED_ROUNDS) if (t <= rounds) s.put("exp_reward_round_" + t, e[t]);
        s.put("exp_reward_final", e[rounds]).put("sampled_mean_exp_reward_final", mean[rounds]);
        double[] limit = limit(p0, rewards);
        for (int i = 0; i < n; i++) s.put("p_final_" + (i + 1), p[rounds].p(i)).put("limit_" + (i + 1), limit[i]);
        return s;
    }

    /** p0 restricted to the highest-reward set, renormalised. */
    static double[] limit(Categorical p0, double[] rewards) {
        double max = Arrays.stream(rewards).max().orElseThrow();
        double[] l = new double[rewards.length];
        for (int i = 0; i < l.length; i++) l[i] = rewards[i] == max ? p0.p(i) : 0;
        return Categorical.fromCounts(l).toArray();
    }
}
