package dev.pmcj.pmc.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pmcj.pmc.eval.ModelEvaluation;
import dev.pmcj.pmc.report.MetricsJson;
import dev.pmcj.pmc.report.ReportHtml;
import dev.pmcj.theory.report.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a demo run's folder: {@code config.json}, {@code metrics.json} and {@code report.html}. */
public final class DemoOutput {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DemoOutput() {
    }

    public static void write(Path dir, DemoSettings settings, String device, DemoResult r) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("device", device);
        config.put("settings", settings);
        AtomicFiles.write(dir.resolve("config.json"), JSON.writeValueAsString(config) + "\n");
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("seed", settings.seed());
        info.put("device", device);
        info.put("ignorance_floor_unlearn_quality", r.ignoranceFloor());
        info.put("seconds", r.seconds());
        info.put("fine_tune_loss", r.fineTuneLosses());
        info.put("history", r.histories());
        MetricsJson.write(dir.resolve("metrics.json"), r.metrics(), info);
        report(settings, r).write(dir.resolve("report.html"));
    }

    static ReportHtml report(DemoSettings s, DemoResult r) {
        ReportHtml html = new ReportHtml("PMC-J demo: unlearning " + s.splitPercent() + "% of fictitious authors");
        html.paragraph(String.format("A %d-layer, %d-wide GPT-2 style model with a %d-token BPE vocabulary, fine-tuned from "
                        + "scratch on %d generated authors, then unlearned with each method from the same weights. "
                        + "Unlearn quality = 1 - mean ROUGE-L recall on forget and paraphrased forget; utility = mean recall on a "
                        + "retain sample, world facts and real authors. A model that only copies the author's name into the answer "
                        + "template scores unlearn quality %s (the ignorance floor).",
                s.architecture().layers(), s.architecture().dim(), s.architecture().vocab(), s.data().authors(), ReportHtml.fmt(r.ignoranceFloor())));
        html.heading("Results").metricsTable(r.metrics());
        html.plot(ReportHtml.uqVsUtility(r.metrics()));
        html.heading("Training dynamics");
        html.plot(ReportHtml.lines("Fine-tuning loss", "epoch", "mean loss",
                Map.of("fine-tune", r.fineTuneLosses().stream().mapToDouble(Double::doubleValue).toArray())));
        for (String metric : List.of("rouge_to_initial", "forget_rouge", "forget_loss", "retain_loss")) {
            Map<String, double[]> series = new LinkedHashMap<>();
            r.histories().forEach((method, h) -> {
                if (h.stream().allMatch(e -> e.metrics().containsKey(metric))) {
                    series.put(method, h.stream().mapToDouble(e -> e.metrics().get(metric)).toArray());
                }
            });
            if (!series.isEmpty()) html.plot(ReportHtml.lines(TITLES.get(metric), "epoch", metric.replace('_', ' '), series));
        }
        html.shiftHistograms(RunReport.wikitextShifts(r.models()));
        ModelEvaluation before = r.models().get("finetuned");
        r.models().forEach((name, after) -> {
            if (name.equals("finetuned")) return;
            List<ReportHtml.Sample> rows = new ArrayList<>();
            for (int i = 0; i < after.samples().size(); i++) {
                ModelEvaluation.Answered b = before.samples().get(i), a = after.samples().get(i);
                rows.add(new ReportHtml.Sample(a.question(), a.truth(), b.answer(), a.answer()));
            }
            html.heading("Answers before and after " + name).samples(rows);
        });
        html.heading("Time").table(List.of("stage", "seconds"), r.seconds().entrySet().stream()
                .map(e -> List.of(e.getKey(), String.format("%.1f", e.getValue()))).toList());
        return html;
    }

    private static final Map<String, String> TITLES = Map.of(
            "rouge_to_initial", "PMC: ROUGE-L of greedy forget answers to the initial answers",
            "forget_rouge", "ROUGE-L recall of greedy forget answers to the truth",
            "forget_loss", "Forget loss (true answers, measured only)",
            "retain_loss", "Retain loss");
}
