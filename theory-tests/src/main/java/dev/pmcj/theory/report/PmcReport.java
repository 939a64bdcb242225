package dev.pmcj.theory.report;

import dev.pmcj.theory.Categorical;
import dev.pmcj.theory.CuratedUpdate;
import dev.pmcj.theory.PerQuestionPmc;
import dev.pmcj.theory.Question;
import dev.pmcj.theory.SampledCuration;
import dev.pmcj.theory.Selection;
import dev.pmcj.theory.plot.Plot;
import dev.pmcj.theory.plot.SvgPlot;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * PMC per question on a fixed toy model: two forget questions (curated) and two retain questions (refit on
 * their data). Reports E[e^r] / e^{r*} per forget question and the distance of each retain conditional to
 * its data, under the exact update and over finite-sample runs. pmc.csv: value = E[e^r] / e^{r*} on forget
 * questions (forget = 1), the L1 distance to the data distribution on retain questions.
 */
final class PmcReport {
    private PmcReport() {}

    static List<Question> defaultQuestions() {
        return List.of(
                new Question.Forget("forget_1", Categorical.of(0.5, 0.3, 0.15, 0.05), new double[] {0, 0.4, 1, 1}),
                new Question.Forget("forget_2", Categorical.of(0.7, 0.2, 0.1), new double[] {0, 0.5, 1}),
                new Question.Retain("retain_1", Categorical.of(0.25, 0.25, 0.25, 0.25), new int[] {6, 3, 1, 0}),
                new Question.Retain("retain_2", Categorical.of(0.1, 0.2, 0.7), new int[] {2, 2, 1}));
    }

    static Summary run(TheoryOptions o) throws IOException {
        List<Question> questions = defaultQuestions();
        int rounds = o.rounds(), runs = o.runs(), k = o.k();
        Selection selection = CuratedReport.selection(o.temperature());
        List<List<Categorical>> exact = new PerQuestionPmc(questions, r -> new CuratedUpdate(k, r, selection)).run(rounds, null);
        PerQuestionPmc sampled = new PerQuestionPmc(questions, r -> new SampledCuration(k, r, selection, o.samples()));
        RandomGenerator rng = new Well19937c(o.seed());
        double[][][] sampledValue = new double[questions.size()][runs][rounds + 1];
        for (int run = 0; run < runs; run++) {
            List<List<Categorical>> traj = sampled.run(rounds, rng);
            for (int q = 0; q < questions.size(); q++)
                for (int t = 0; t <= rounds; t++) sampledValue[q][run][t] = value(questions.get(q), traj.get(t).get(q));
        }

        Csv csv = new Csv(List.of("round", "question", "forget", "value_exact", "value_sampled_mean", "value_sampled_p05", "value_sampled_p95"));
        List<Plot.Layer> forgetLayers = new ArrayList<>();
        Summary s = new Summary().put("mode", "pmc").put("runs", runs).put("rounds", rounds).put("seed", o.seed())
                .put("k", k).put("samples", o.samples()).put("temperature", o.temperature());
        double[] x = new double[rounds + 1];
        for (int t = 0; t <= rounds; t++) x[t] = t;
        for (int q = 0; q < questions.size(); q++) {
            Question question = questions.get(q);
            boolean forget = question instanceof Question.Forget;
            double[] e = new double[rounds + 1], mean = new double[rounds + 1], lo = new double[rounds + 1], hi = new double[rounds + 1];
            for (int t = 0; t <= rounds; t++) {
                double[] col = Quantiles.column(sampledValue[q], t);
                e[t] = value(question, exact.get(t).get(q));
                mean[t] = Quantiles.mean(col);
                lo[t] = Quantiles.quantile(col, 0.05);
                hi[t] = Quantiles.quantile(col, 0.95);
                csv.row(t, q + 1, forget ? 1 : 0, e[t], mean[t], lo[t], hi[t]);
            }
            String color = SvgPlot.PALETTE.get(q % SvgPlot.PALETTE.size());
            if (forget) {
                forgetLayers.add(new Plot.Band(question.name() + ", 5-95% of runs", color, x, lo, hi));
                forgetLayers.add(new Plot.Line(question.name() + ", exact", color, x, e, false));
                s.put(question.name() + "_exp_reward_ratio_final", e[rounds]).put(question.name() + "_sampled_mean_ratio_final", mean[rounds]);
            } else {
                s.put(question.name() + "_l1_to_data_final", e[rounds]).put(question.name() + "_sampled_max_l1_after_round_0",
                        maxAfterFirst(sampledValue[q]));
            }
        }
        AtomicFiles.write(o.out().resolve("pmc.csv"), csv.toString());
        AtomicFiles.write(o.out().resolve("pmc.svg"), SvgPlot.render(new Plot(
                "Per-question PMC: forget questions, E[e^r] / e^r* (K = " + k + ")", "round", "E[e^r] / e^r*", forgetLayers)));
        return s;
    }

    /** Forget: E[e^r] / e^{r*}; retain: L1 distance to the data distribution. */
    private static double value(Question q, Categorical p) {
        return switch (q) {
            case Question.Forget f -> p.mean(f.expRewards()) / f.topExpReward();
            case Question.Retain r -> {
                double d = 0;
                for (int i = 0; i < p.size(); i++) d += Math.abs(p.p(i) - r.dataDistribution().p(i));
                yield d;
            }
        };
    }

    private static double maxAfterFirst(double[][] byRun) {
        double m = 0;
        for (double[] run : byRun) for (int t = 1; t < run.length; t++) m = Math.max(m, run[t]);
        return m;
    }
}
