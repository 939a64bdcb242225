package dev.pmcj.pmc.pipeline;

import dev.pmcj.pmc.eval.ModelEvaluation;
import dev.pmcj.pmc.eval.ModelMetrics;
import dev.pmcj.pmc.eval.ShiftSummary;
import dev.pmcj.pmc.report.ReportHtml;
import dev.pmcj.pmc.unlearn.Unlearner.EpochRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code report.html} of a command-line run: results table and unlearn quality against utility,
 * training curves, answers before and after each method, and time per stage.
 *
 * @param title          page title
 * @param intro          what was run, in a sentence or two
 * @param models         evaluations by model name; {@code before} names the starting model
 * @param before         the model the others are compared with in the answer samples (null: none)
 * @param fineTuneLosses mean loss per fine-tuning epoch, by model trained (may be empty)
 * @param histories      per-epoch records of each unlearning run (may be empty)
 * @param seconds        wall-clock seconds per stage
 */
public record RunReport(String title, String intro, Map<String, ModelEvaluation> models, String before,
                        Map<String, List<Double>> fineTuneLosses, Map<String, List<EpochRecord>> histories,
                        Map<String, Double> seconds) {

    private static final Map<String, String> TITLES = Map.of(
            "rouge_to_initial", "PMC: ROUGE-L of greedy forget answers to the initial answers",
            "forget_rouge", "ROUGE-L recall of greedy forget answers to the truth",
            "forget_loss", "Forget loss (true answers, measured only)",
            "retain_loss", "Retain loss");

    /** Wall-clock seconds since {@code startNanos} (a {@link System#nanoTime()} reading): a stage's entry in {@code seconds}. */
    public static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    public static Map<String, ModelMetrics> metrics(Map<String, ModelEvaluation> models) {
        Map<String, ModelMetrics> m = new LinkedHashMap<>();
        models.forEach((name, e) -> m.put(name, e.metrics()));
        return m;
    }

    /** The wikitext-2 shift summaries of the models that have one, in model order. */
    public static Map<String, ShiftSummary> wikitextShifts(Map<String, ModelEvaluation> models) {
        Map<String, ShiftSummary> m = new LinkedHashMap<>();
        models.forEach((name, e) -> e.wikitextShift().ifPresent(s -> m.put(name, s)));
        return m;
    }

    public ReportHtml html() {
        ReportHtml html = new ReportHtml(title).paragraph(intro);
        Map<String, ModelMetrics> metrics = metrics(models);
        html.heading("Results").metricsTable(metrics);
        if (metrics.size() > 1) html.plot(ReportHtml.uqVsUtility(metrics));
        Map<String, double[]> ft = new LinkedHashMap<>();
        fineTuneLosses.forEach((name, l) -> {
            if (!l.isEmpty()) ft.put(name, l.stream().mapToDouble(Double::doubleValue).toArray());
        });
        if (!ft.isEmpty()) html.heading("Fine-tuning").plot(ReportHtml.lines("Fine-tuning loss", "epoch", "mean loss", ft));
        if (!histories.isEmpty()) html.heading("Unlearning dynamics");
        for (String metric : TITLES.keySet().stream().sorted().toList()) {
            Map<String, double[]> series = new LinkedHashMap<>();
            histories.forEach((method, h) -> {
                if (!h.isEmpty() && h.stream().allMatch(e -> e.metrics().containsKey(metric))) {
                    series.put(method, h.stream().mapToDouble(e -> e.metrics().get(metric)).toArray());
                }
            });
            if (!series.isEmpty()) html.plot(ReportHtml.lines(TITLES.get(metric), "epoch", metric.replace('_', ' '), series));
        }
        html.shiftHistograms(wikitextShifts(models));
        ModelEvaluation start = before == null ? null : models.get(before);
        models.forEach((name, after) -> {
            if (start == null || name.equals(before)) return;
            List<ReportHtml.Sample> rows = new ArrayList<>();
            for (int i = 0; i < Math.min(start.samples().size(), after.samples().size()); i++) {
                ModelEvaluation.Answered b = start.samples().get(i), a = after.samples().get(i);
                rows.add(new ReportHtml.Sample(a.question(), a.truth(), b.answer(), a.answer()));
            }
            html.heading("Answers of " + before + " and " + name).samples(rows);
        });
        html.heading("Time").table(List.of("stage", "seconds"), seconds.entrySet().stream()
                .map(e -> List.of(e.getKey(), String.format("%.1f", e.getValue()))).toList());
        return html;
    }
}
