package dev.pmcj.pmc.report;

import dev.pmcj.pmc.eval.ModelMetrics;
import dev.pmcj.pmc.eval.ShiftSummary;
import dev.pmcj.theory.plot.Plot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {
    private static Map<String, ModelMetrics> models() {
        Map<String, ModelMetrics> m = new LinkedHashMap<>();
        m.put("finetuned", new ModelMetrics(0.19, 1.0, 0.8, Map.of("forget_rouge", 0.97)));
        m.put("pmc", new ModelMetrics(0.955, 0.974, 0.3, Map.of()));
        m.put("ga", new ModelMetrics(0.99, 0.04, Double.NaN, Map.of("forget_rouge", 0.0)));
        return m;
    }

    @Test
    void metricsJsonRoundTripsWithRequiredKeys(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("metrics.json");
        MetricsJson.write(f, models(), Map.of("seed", 7));
        String text = Files.readString(f);
        assertTrue(text.contains("\"unlearn_quality\"") && text.contains("\"sampling_attack_rouge\" : null"), text);
        Map<String, ModelMetrics> back = MetricsJson.read(f);
        assertEquals(List.of("finetuned", "pmc", "ga"), List.copyOf(back.keySet()));
        assertEquals(0.955, back.get("pmc").unlearnQuality(), 0);
        assertTrue(Double.isNaN(back.get("ga").samplingAttackRouge()));
        assertEquals(0.97, back.get("finetuned").extra().get("forget_rouge"), 0);
        // Rewriting replaces the file and leaves no temporary file behind.
        MetricsJson.write(f, Map.of("pmc", models().get("pmc")), Map.of());
        assertEquals(List.of("pmc"), List.copyOf(MetricsJson.read(f).keySet()));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void metricsJsonRejectsNonNumbers(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.json");
        Files.writeString(f, "{\"models\": {\"pmc\": {\"unlearn_quality\": \"high\"}}}");
        IOException e = assertThrows(IOException.class, () -> MetricsJson.read(f));
        assertTrue(e.getMessage().contains("unlearn_quality"), e.getMessage());
    }

    @Test
    void reportIsSelfContainedAndEscaped(@TempDir Path dir) throws IOException {
        ReportHtml r = new ReportHtml("PMC <demo>")
                .heading("Metrics").metricsTable(models())
                .plot(ReportHtml.lines("ROUGE-L to initial answers", "epoch", "ROUGE-L",
                        Map.of("forget", new double[] {0.6, 0.3, 0.1}, "retain", new double[] {1, 0.9, 0.95})))
                .plot(ReportHtml.uqVsUtility(models()))
                .samples(List.of(new ReportHtml.Sample("Who wrote <b>?", "A & B", "\"A\" & B", "I have no information about that.")));
        Path f = dir.resolve("report.html");
        r.write(f);
        String html = Files.readString(f);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("PMC &lt;demo&gt;"));
        assertTrue(html.contains("Who wrote &lt;b&gt;?") && html.contains("&quot;A&quot; &amp; B"));
        assertFalse(html.contains("<b>"), "unescaped sample text");
        assertFalse(html.contains("src=") || html.contains("href="), "report must not load external resources");
        assertEquals(2, html.split("<svg ", -1).length - 1);
        assertEquals(3 * 2, html.split("<circle ", -1).length - 1, "one marker and one legend marker per model");
        assertTrue(html.contains("0.9550") && html.contains("n/a"));
    }

    @Test
    void tableRowsMustMatchTheHeader() {
        assertThrows(IllegalArgumentException.class,
                () -> new ReportHtml("t").table(List.of("a", "b"), List.of(List.of("1"))));
    }
    @Test
    void shiftHistogramsShowFractionsPerFixedBinAndNothingWithoutShifts() {
        ShiftSummary ga = ShiftSummary.of(new double[] {-0.6, -0.6, -0.01, 0.3});
        Plot p = ReportHtml.shiftHistogram("ga", ga, "#000000");
        Plot.Bars bars = (Plot.Bars) p.layers().getFirst();
        assertEquals(ShiftSummary.BINS, bars.x().length);
        assertEquals(1.0, Arrays.stream(bars.height()).sum(), 1e-12);
        assertEquals(0.5, bars.height()[ShiftSummary.bin(-0.6)], 1e-12);
        assertEquals(ShiftSummary.binCentre(ShiftSummary.bin(0.3)), bars.x()[ShiftSummary.bin(0.3)]);
        assertTrue(bars.label().contains("mean -0.2275") && bars.label().contains("4 tokens"), bars.label());
        String none = new ReportHtml("t").shiftHistograms(Map.of()).html();
        assertFalse(none.contains("wikitext"), "no section without shifts");
        String html = new ReportHtml("t").shiftHistograms(Map.of("ga", ga)).html();
        assertTrue(html.contains("Over-unlearning on wikitext-2") && html.contains("<svg"), "section with a plot");
    }
}
