package dev.pmcj.pmc.report;

import dev.pmcj.pmc.eval.ModelMetrics;
import dev.pmcj.pmc.eval.ShiftSummary;
import dev.pmcj.theory.plot.Plot;
import dev.pmcj.theory.plot.SvgPlot;
import dev.pmcj.theory.report.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained {@code report.html} (inline CSS and SVG, no external resources), built section by
 * section. Every piece of text is HTML-escaped; plots come from the shared {@link SvgPlot}.
 */
public final class ReportHtml {
    private final String title;
    private final StringBuilder body = new StringBuilder();

    /** A model's answer to one question before and after unlearning. */
    public record Sample(String question, String truth, String before, String after) {
    }

    public ReportHtml(String title) {
        this.title = title;
    }

    public ReportHtml heading(String text) {
        body.append("<h2>").append(escape(text)).append("</h2>\n");
        return this;
    }

    public ReportHtml paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    public ReportHtml plot(Plot plot) {
        body.append("<figure>").append(SvgPlot.render(plot)).append("</figure>\n");
        return this;
    }

    /** A table; cells are escaped text, numbers formatted by the caller or by {@link #fmt}. */
    public ReportHtml table(List<String> header, List<List<String>> rows) {
        body.append("<table>\n<tr>");
        for (String h : header) body.append("<th>").append(escape(h)).append("</th>");
        body.append("</tr>\n");
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("table row has " + row.size() + " cells, header " + header.size());
            }
            body.append("<tr>");
            for (String c : row) body.append("<td>").append(escape(c)).append("</td>");
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** The metrics of every model as a table (UQ, utility, sampling attack, then the union of extras). */
    public ReportHtml metricsTable(Map<String, ModelMetrics> models) {
        List<String> extras = models.values().stream().flatMap(m -> m.extra().keySet().stream()).distinct().sorted().toList();
        List<String> header = new ArrayList<>(List.of("model", "unlearn quality", "utility", "sampling attack ROUGE"));
        header.addAll(extras);
        List<List<String>> rows = new ArrayList<>();
        models.forEach((name, m) -> {
            List<String> row = new ArrayList<>(List.of(name, fmt(m.unlearnQuality()), fmt(m.utility()), fmt(m.samplingAttackRouge())));
            for (String e : extras) row.add(fmt(m.extra().getOrDefault(e, Double.NaN)));
            rows.add(row);
        });
        return table(header, rows);
    }

    public ReportHtml samples(List<Sample> samples) {
        body.append("<table class=\"samples\">\n<tr><th>question</th><th>ground truth</th><th>before</th><th>after</th></tr>\n");
        for (Sample s : samples) {
            body.append("<tr><td>").append(escape(s.question())).append("</td><td>").append(escape(s.truth()))
                    .append("</td><td>").append(escape(s.before())).append("</td><td>").append(escape(s.after()))
                    .append("</td></tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** Line plot of several series over steps 1..n (e.g. ROUGE-L to the initial answers per epoch). */
    public static Plot lines(String title, String xLabel, String yLabel, Map<String, double[]> series) {
        List<Plot.Layer> layers = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            double[] y = e.getValue();
            double[] x = new double[y.length];
            for (int k = 0; k < y.length; k++) x[k] = k + 1;
            layers.add(new Plot.Line(e.getKey(), color(i++), x, y, false));
        }
        return new Plot(title, xLabel, yLabel, layers);
    }

    /** Scatter of unlearn quality against utility, one marker per model. */
    public static Plot uqVsUtility(Map<String, ModelMetrics> models) {
        List<Plot.Layer> layers = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, ModelMetrics> e : models.entrySet()) {
            layers.add(new Plot.Points(e.getKey(), color(i++),
                    new double[] {e.getValue().unlearnQuality()}, new double[] {e.getValue().utility()}));
        }
        return new Plot("Unlearn quality against utility", "unlearn quality (UQ / 2)", "utility (/ 3)", layers);
    }

    /**
     * The over-unlearning section: one histogram of wikitext-2 probability shifts per model; nothing when
     * no model has them.
     */
    public ReportHtml shiftHistograms(Map<String, ShiftSummary> byModel) {
        if (byModel.isEmpty()) return this;
        heading("Over-unlearning on wikitext-2");
        paragraph("For every token of the first chunks of wikitext-2 (context-length windows) that also occurs in the forget "
                + "answers: p_model(token | context) - p_base(token | context), against the model the others were unlearned "
                + "from. Bars: fraction of those tokens per bin of width " + fmt(ShiftSummary.BIN_WIDTH) + ". A method that "
                + "over-unlearns shifts the mass below zero; one that leaves unrelated text alone stays at zero.");
        int i = 0;
        for (Map.Entry<String, ShiftSummary> e : byModel.entrySet()) plot(shiftHistogram(e.getKey(), e.getValue(), color(i++)));
        return this;
    }

    /** Histogram of one model's shifts over the fixed bins of {@link ShiftSummary}, as fractions of its tokens. */
    static Plot shiftHistogram(String model, ShiftSummary s, String color) {
        int[] counts = s.histogram();
        double[] x = new double[counts.length], height = new double[counts.length];
        for (int b = 0; b < counts.length; b++) {
            x[b] = ShiftSummary.binCentre(b);
            height[b] = s.count() == 0 ? 0 : (double) counts[b] / s.count();
        }
        String label = String.format(Locale.ROOT, "%s: mean %s, median %s, %s negative, %d tokens", model, fmt(s.mean()),
                fmt(s.median()), fmt(s.negativeFraction()), s.count());
        return new Plot("Wikitext-2 probability shift of forget tokens: " + model, "p_model - p_base", "fraction of tokens",
                List.of(new Plot.Bars(label, color, x, height, ShiftSummary.BIN_WIDTH * 0.9)));
    }

    private static String color(int i) {
        return SvgPlot.PALETTE.get(i % SvgPlot.PALETTE.size());
    }

    public static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
    }

    public String html() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
                + "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n<h1>" + escape(title) + "</h1>\n"
                + body + "</body>\n</html>\n";
    }

    public void write(Path file) throws IOException {
        AtomicFiles.write(file, html());
    }

    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    private static final String CSS = """
            body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; }
            th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
            th { background: #f3f3f3; }
            table.samples td { max-width: 260px; }
            figure { margin: 1em 0; }
            """;
}
