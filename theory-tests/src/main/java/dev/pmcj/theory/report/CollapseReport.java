package dev.pmcj.theory.report;

import dev.pmcj.theory.Categorical;
import dev.pmcj.theory.Collapse;
import dev.pmcj.theory.CollapseTheory;
import dev.pmcj.theory.plot.Plot;
import dev.pmcj.theory.plot.SvgPlot;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Total and partial collapse: forget mass per round (runs, quantile band, exact expectation), the
 * extinction-round histogram against its exact law, and mean shares per category.
 */
final class CollapseReport {
    /** The exact extinction law is a (samples+1)^2 Markov chain: skip it for huge N. */
    private static final int MAX_EXACT_SAMPLES = 1000;

    private CollapseReport() {}

    static Summary run(TheoryOptions o) throws IOException {
        int[] counts = o.counts();
        int k = counts.length, forget = o.forget(), rounds = o.rounds(), runs = o.runs();
        Categorical p0 = Categorical.fromCounts(counts);
        int[] retain = new int[k];
        if (o.mode() == TheoryOptions.Mode.PARTIAL) for (int i = forget; i < k; i++) retain[i] = counts[i];
        Collapse process = new Collapse(o.samples(), retain);

        RandomGenerator rng = new Well19937c(o.seed());
        double[][] forgetMass = new double[runs][rounds + 1];
        double[][] shareSums = new double[rounds + 1][k];
        int[] extinctAt = new int[rounds + 1];
        for (int run = 0; run < runs; run++) {
            Categorical[] traj = process.trajectory(p0, rounds, rng);
            int extinction = -1;
            for (int t = 0; t <= rounds; t++) {
                forgetMass[run][t] = traj[t].mass(0, forget);
                for (int i = 0; i < k; i++) shareSums[t][i] += traj[t].p(i);
                if (extinction < 0 && forgetMass[run][t] == 0) extinction = t;
            }
            if (extinction >= 0) extinctAt[extinction]++;
        }

        double m0 = p0.mass(0, forget);
        CollapseTheory.Moments moments = CollapseTheory.moments(m0, 0, process, rounds);
        double[] exactCdf = o.samples() <= MAX_EXACT_SAMPLES ? CollapseTheory.extinctionCdf(m0, process, rounds) : null;

        double[] x = new double[rounds + 1], mean = new double[rounds + 1], lo = new double[rounds + 1],
                mid = new double[rounds + 1], hi = new double[rounds + 1];
        Csv massCsv = new Csv(List.of("round", "mean", "p05", "median", "p95", "expected", "expected_sd"));
        for (int t = 0; t <= rounds; t++) {
            double[] col = Quantiles.column(forgetMass, t);
            x[t] = t;
            mean[t] = Quantiles.mean(col);
            lo[t] = Quantiles.quantile(col, 0.05);
            mid[t] = Quantiles.quantile(col, 0.5);
            hi[t] = Quantiles.quantile(col, 0.95);
            massCsv.row(t, mean[t], lo[t], mid[t], hi[t], moments.mean()[t], Math.sqrt(moments.variance()[t]));
        }

        Csv extinctionCsv = new Csv(List.of("round", "runs", "expected_runs"));
        double[] bars = new double[rounds + 1], expectedRuns = new double[rounds + 1];
        int cumulative = 0, empiricalMedian = -1;
        for (int t = 0; t <= rounds; t++) {
            bars[t] = extinctAt[t];
            cumulative += extinctAt[t];
            if (empiricalMedian < 0 && 2 * cumulative >= runs) empiricalMedian = t;
            expectedRuns[t] = exactCdf == null ? Double.NaN : runs * (exactCdf[t] - (t == 0 ? 0 : exactCdf[t - 1]));
            extinctionCsv.row(t, extinctAt[t], expectedRuns[t]);
        }

        List<String> shareHeader = new ArrayList<>(List.of("round"));
        for (int i = 1; i <= k; i++) shareHeader.add("mean_share_" + i);
        Csv sharesCsv = new Csv(shareHeader);
        for (int t = 0; t <= rounds; t++) {
            double[] row = new double[k + 1];
            row[0] = t;
            for (int i = 0; i < k; i++) row[i + 1] = shareSums[t][i] / runs;
            sharesCsv.row(row);
        }

        Path out = o.out();
        String name = o.mode() == TheoryOptions.Mode.PARTIAL ? "Partial collapse" : "Total collapse";
        AtomicFiles.write(out.resolve("forget_mass.csv"), massCsv.toString());
        AtomicFiles.write(out.resolve("extinction.csv"), extinctionCsv.toString());
        AtomicFiles.write(out.resolve("shares.csv"), sharesCsv.toString());
        String analytic = String.format(java.util.Locale.ROOT, "expected %s (%d/%d)^t", Csv.format(m0), o.samples(),
                o.samples() + process.retainTotal());
        AtomicFiles.write(out.resolve("forget_mass.svg"), SvgPlot.render(new Plot(
                name + ": forget mass per round (N = " + o.samples() + ", " + runs + " runs)", "round", "forget mass",
                List.of(new Plot.Band("5-95% of runs", SvgPlot.PALETTE.get(0), x, lo, hi),
                        new Plot.Line("mean over runs", SvgPlot.PALETTE.get(0), x, mean, false),
                        new Plot.Line(analytic, SvgPlot.PALETTE.get(1), x, moments.mean(), true)))));
        List<Plot.Layer> histogram = new ArrayList<>(List.of(new Plot.Bars("runs extinct at round", SvgPlot.PALETTE.get(0), x, bars, 0.8)));
        if (exactCdf != null) histogram.add(new Plot.Line("exact expectation", SvgPlot.PALETTE.get(1), x, expectedRuns, true));
        AtomicFiles.write(out.resolve("extinction.svg"), SvgPlot.render(new Plot(
                name + ": round at which the forget mass reaches 0", "round", "runs", histogram)));

        Summary s = new Summary()
                .put("mode", o.mode().name().toLowerCase(java.util.Locale.ROOT))
                .put("runs", runs).put("rounds", rounds).put("seed", o.seed()).put("samples", o.samples())
                .put("retain_total", process.retainTotal()).put("rho", process.rho())
                .put("forget_mass_round_0", m0);
        if (rounds >= 5) s.put("mean_forget_mass_round_5", mean[5]).put("expected_forget_mass_round_5", moments.mean()[5]);
        s.put("mean_forget_mass_final", mean[rounds]).put("expected_forget_mass_final", moments.mean()[rounds])
                .put("extinct_fraction", cumulative / (double) runs)
                .put("median_extinction_round", empiricalMedian < 0 ? "none" : Integer.toString(empiricalMedian));
        if (exactCdf != null) {
            int exactMedian = CollapseTheory.medianExtinctionRound(exactCdf);
            s.put("exact_median_extinction_round", exactMedian < 0 ? "none" : Integer.toString(exactMedian));
        }
        for (int i = forget; i < k && process.retainTotal() > 0; i++)
            s.put("retain_limit_" + (i + 1), retain[i] / (double) process.retainTotal());
        for (int i = 0; i < k; i++) s.put("mean_share_final_" + (i + 1), shareSums[rounds][i] / runs);
        return s;
    }
}
