package dev.pmcj.pmc.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmcj.pmc.data.AuthorDataConfig;
import dev.pmcj.pmc.eval.EvalSettings;
import dev.pmcj.pmc.unlearn.PmcConfig;
import dev.pmcj.pmc.unlearn.Selection;
import dev.pmcj.tensor.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's whole pipeline on a tiny configuration: every stage runs and the run folder is complete. */
class DemoPipelineTest {

    private static DemoSettings tiny() {
        return new DemoSettings(new AuthorDataConfig(10, 2, 1, 4, 2, 4, 3), 10, 2, new Architecture(300, 1, 16, 2, 96),
                new FineTune.Settings(1, 8, 3e-3f, 0.01f, 0.1f, 3),
                new PmcConfig(2f, 1f, 0.95f, 2, 1, 2, 1, 60, 2e-3f, 0.01f, new Selection.Argmin(), 0), 1, 1e-3f,
                List.of("pmc", "ga", "npo"), EvalSettings.reference().withAttackSamples(2).withMaxTotalLength(60), 3);
    }

    private static DemoResult run(DemoSettings settings, Path out, Consumer<String> log) {
        return new Demo(settings, Backends.cpu(), out, log, (done, total, msg) -> { }).run();
    }

    @Test
    void tinyDemoWritesMetricsForEveryModelAndAReport(@TempDir Path out) throws Exception {
        Path wikitext = out.resolve("wiki.raw");
        Files.write(wikitext, Collections.nCopies(40, " The author was born in a small town and wrote novels about the sea ."));
        DemoSettings tiny = tiny().withWikitext(wikitext);
        DemoResult result = run(tiny, out, msg -> { });
        DemoOutput.write(out, tiny, "cpu", result);

        JsonNode models = new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).get("models");
        for (String name : List.of("finetuned", "pmc", "ga", "npo")) {
            JsonNode m = models.get(name);
            assertTrue(m != null, "metrics.json has " + name);
            for (String key : List.of("unlearn_quality", "utility", "sampling_attack_rouge")) {
                assertTrue(m.get(key).isNumber(), name + "." + key + " is a number");
                double v = m.get(key).asDouble();
                assertTrue(v >= 0 && v <= 1, name + "." + key + " = " + v + " is a fraction");
            }
        }
        assertTrue(models.get("finetuned").get("wikitext_shift_mean") == null, "the base model has no shift");
        for (String name : List.of("pmc", "ga", "npo")) {
            JsonNode m = models.get(name);
            assertTrue(m.get("wikitext_shift_n").asInt() > 0, name + " scored forget tokens: " + m);
            double mean = m.get("wikitext_shift_mean").asDouble();
            assertTrue(mean >= -1 && mean <= 1 && mean != 0, name + " moved the probabilities: " + mean);
        }
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Over-unlearning on wikitext-2") && html.contains("probability shift of forget tokens: ga"), "histograms");
        assertTrue(html.contains("<svg") && html.contains("Answers before and after pmc"), "report has plots and samples");
        assertTrue(Files.exists(out.resolve("config.json")));
        assertTrue(Files.exists(out.resolve("checkpoints/pmc/training-state.pmcj")), "PMC checkpoint written");
    }

    /** A short demo, then a longer one in the same folder: PMC once resumed the short one's model. */
    @Test
    void checkpointLeftByAnotherDemoIsReplacedAndTheSameDemoResumes(@TempDir Path tmp) {
        DemoSettings shorter = tiny().withMethods(List.of("pmc")), longer = shorter.withAuthors(12);
        Path out = tmp.resolve("out");
        run(shorter, out, msg -> { });
        List<String> log = new ArrayList<>();
        DemoResult replaced = run(longer, out, log::add);
        assertTrue(log.stream().anyMatch(m -> m.startsWith("pmc: ") && m.contains("checkpoint of another run")), log.toString());

        DemoResult fresh = run(longer, tmp.resolve("fresh"), msg -> { });
        assertEquals(fresh.histories(), replaced.histories(), "the replaced run equals a run in an empty folder");
        List<String> again = new ArrayList<>();
        DemoResult resumed = run(longer, out, again::add);
        assertTrue(again.stream().noneMatch(m -> m.contains("another run")), again.toString());
        assertEquals(fresh.histories(), resumed.histories(), "the same demo resumes its own checkpoint");
    }
}
