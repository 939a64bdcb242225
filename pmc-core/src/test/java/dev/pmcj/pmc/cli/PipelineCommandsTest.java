package dev.pmcj.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmcj.testsupport.SharedData;
import dev.pmcj.transformer.train.TrainingCheckpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * finetune, unlearn, eval and tofu on a tiny built-in data set and a one-layer, 16-wide model on the
 * scalar backend: every command writes its files, the model folders chain, unlearning resumes.
 */
class PipelineCommandsTest {
    /** Tiny data and model; the same data options must go to every command working on one model. */
    private static final List<String> DATA = List.of("--data", "builtin", "--authors", "10", "--facts", "2",
            "--world-facts", "4", "--real-authors", "2", "--refusal-items", "4");
    private static final List<String> COMMON = List.of("--device", "scalar", "--quiet", "--attack-samples", "2", "--max-length", "40");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path finetuned;

    record Result(int status, String out, String err) {
    }

    static Result pmc(List<String> args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Main.run(args.toArray(String[]::new));
            return new Result(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static List<String> args(String command, String... more) {
        List<String> a = new ArrayList<>(List.of(command));
        a.addAll(DATA);
        a.addAll(COMMON);
        a.addAll(List.of(more));
        return a;
    }

    static JsonNode models(Path out) throws IOException {
        for (String f : List.of("config.json", "metrics.json", "report.html")) assertTrue(Files.isRegularFile(out.resolve(f)), f);
        return JSON.readTree(out.resolve("metrics.json").toFile()).get("models");
    }

    @BeforeAll
    static void fineTune() {
        finetuned = tmp.resolve("ft");
        Result r = pmc(args("finetune", "--out", finetuned.toString(), "--vocab", "300", "--layers", "1", "--dim", "16",
                "--heads", "2", "--context", "96", "--epochs", "3", "--batch", "16"));
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void finetuneWritesModelFolderAndMetrics() throws IOException {
        JsonNode m = models(finetuned).get("finetuned");
        assertTrue(m.get("unlearn_quality").isNumber() && m.get("utility").isNumber() && m.get("sampling_attack_rouge").isNumber(), m.toString());
        for (String f : List.of("model.safetensors", "config.json", "tokenizer.json")) assertTrue(Files.isRegularFile(finetuned.resolve("model").resolve(f)));
        JsonNode config = JSON.readTree(finetuned.resolve("config.json").toFile());
        assertEquals(3, config.get("fine_tune").get("epochs").asInt());
        assertEquals(3, JSON.readTree(finetuned.resolve("metrics.json").toFile()).get("info").get("fine_tune_loss").size());
    }

    @Test
    void unlearnResumesFromItsCheckpointsAndEndsWhereAFreshRunEnds() throws IOException {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        String model = finetuned.resolve("model").toString();
        assertEquals(0, pmc(args("unlearn", "--model", model, "--method", "pmc", "--epochs", "2", "--forget-batch", "2",
                "--out", straight.toString())).status());
        assertEquals(0, pmc(args("unlearn", "--model", model, "--method", "pmc", "--epochs", "1", "--forget-batch", "2",
                "--out", resumed.toString())).status(), "the run 'killed' after one epoch");
        Result r = pmc(args("unlearn", "--model", model, "--method", "pmc", "--epochs", "2", "--forget-batch", "2",
                "--out", resumed.toString()));
        assertEquals(0, r.status(), r.err());
        JsonNode a = models(straight), b = models(resumed);
        assertEquals(a.get("pmc"), b.get("pmc"), "same metrics after resuming");
        assertTrue(Files.isRegularFile(resumed.resolve("checkpoints").resolve(TrainingCheckpoint.FILE)), "checkpoint written");
        assertArrayEquals(Files.readAllBytes(straight.resolve("model").resolve("model.safetensors")),
                Files.readAllBytes(resumed.resolve("model").resolve("model.safetensors")), "same weights");

        Result other = pmc(args("unlearn", "--model", model, "--method", "pmc", "--epochs", "2", "--forget-batch", "2",
                "--lr", "1e-4", "--out", resumed.toString()));
        assertEquals(2, other.status(), "another learning rate does not resume this checkpoint");
        assertTrue(other.err().contains("checkpoint of another run") && !other.err().contains("\tat "), other.err());
    }

    @Test
    void aBaselineUnlearnsAndEvalAddsTofuMetricsWithForgetQuality() throws IOException {
        String model = finetuned.resolve("model").toString();
        Path npo = tmp.resolve("npo");
        Result r = pmc(args("unlearn", "--model", model, "--method", "npo", "--epochs", "1", "--out", npo.toString(),
                "--wikitext", wikitext().toString()));
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("finetuned", "npo"), iterator(models(npo)));
        double unlearnShift = models(npo).get("npo").get("wikitext_shift_mean").asDouble();
        Path out = tmp.resolve("eval");
        r = pmc(args("eval", "--model", npo.resolve("model").toString(), "--retain-model", model,
                "--name", "npo", "--out", out.toString(), "--wikitext", wikitext().toString(), "--base-model", model));
        assertEquals(0, r.status(), r.err());
        JsonNode e = models(out).get("npo");
        double fq = e.get("tofu_forget_quality").asDouble();
        assertTrue(fq > 0 && fq <= 1, e.toString());
        for (String k : List.of("tofu_model_utility", "tofu_forget_truth_ratio", "tofu_retain_probability", "tofu_world_facts_rouge")) {
            assertTrue(e.get(k).isNumber(), k);
        }
        assertTrue(r.out().contains("forget_quality"), r.out());
        assertTrue(e.get("wikitext_shift_n").asInt() > 0, e.toString());
        assertEquals(unlearnShift, e.get("wikitext_shift_mean").asDouble(), 1e-12, "eval measures what unlearn measured");
        assertTrue(Files.readString(out.resolve("report.html")).contains("probability shift of forget tokens: npo"));
        assertEquals(wikitext().toUri().toString(), JSON.readTree(out.resolve("config.json").toFile()).get("eval").get("wikitext").asText());
    }

    /** A small text in the data's words, a few chunks long. */
    static Path wikitext() throws IOException {
        Path f = tmp.resolve("wiki.raw");
        if (!Files.exists(f)) Files.write(f, Collections.nCopies(40, " The author was born in a small town and wrote novels about the sea ."));
        return f;
    }

    @Test
    void wikitextOptionsAreCheckedBeforeAnyWork() throws IOException {
        Path missing = tmp.resolve("no-such-wiki.raw");
        String model = finetuned.resolve("model").toString();
        for (List<String> a : List.of(List.of("demo", "--quiet", "--out", tmp.resolve("d").toString(), "--wikitext", missing.toString()),
                args("eval", "--model", model, "--base-model", model, "--out", tmp.resolve("e").toString(), "--wikitext", missing.toString()))) {
            Result r = pmc(a);
            assertEquals(2, r.status(), r.err());
            String err = r.err().strip();
            assertFalse(err.contains("\n"), "one line: " + err);
            assertTrue(err.contains("--wikitext: no such file: " + missing), err);
        }
        assertFalse(Files.exists(tmp.resolve("d")), "the demo did nothing");
        Result r = pmc(args("eval", "--model", model, "--wikitext", wikitext().toString(), "--out", tmp.resolve("e").toString()));
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--wikitext and --base-model go together"), r.err());
    }

    @Test
    void tofuRunsEveryStageAndTheRetainModelIsItsOwnReference() throws IOException {
        Path out = tmp.resolve("tofu");
        Result r = pmc(args("tofu", "--out", out.toString(), "--vocab", "300", "--layers", "1", "--dim", "16", "--heads", "2",
                "--context", "96", "--epochs", "2", "--pmc-epochs", "1", "--methods", "pmc", "--wikitext", wikitext().toString()));
        assertEquals(0, r.status(), r.err());
        JsonNode m = models(out);
        assertEquals(List.of("retain", "finetuned", "pmc"), iterator(m));
        assertTrue(m.get("finetuned").get("wikitext_shift_n") == null, "the base model has no shift");
        for (String name : List.of("retain", "pmc")) assertTrue(m.get(name).get("wikitext_shift_n").asInt() > 0, name);
        assertEquals(1.0, m.get("retain").get("tofu_forget_quality").asDouble(), 1e-12);
        for (String name : List.of("retain", "finetuned", "pmc")) {
            assertTrue(Files.isRegularFile(out.resolve("models").resolve(name).resolve("model.safetensors")), name);
        }
        assertTrue(Files.readString(out.resolve("report.html")).contains("Answers of finetuned and pmc"));

        List<String> again = args("tofu", "--out", out.toString(), "--vocab", "300", "--layers", "1", "--dim", "16", "--heads", "2",
                "--context", "96", "--epochs", "2", "--pmc-epochs", "1", "--methods", "pmc");
        Result reused = pmc(again);
        assertEquals(0, reused.status(), reused.err());
        assertTrue(reused.err().contains("finetuned: reusing") && reused.err().contains("retain: reusing"), reused.err());
        assertEquals(m.get("pmc").get("unlearn_quality"), models(out).get("pmc").get("unlearn_quality"), "the same models");
        List<String> otherEpochs = new ArrayList<>(again);
        otherEpochs.set(otherEpochs.indexOf("--epochs") + 1, "3");
        Result refused = pmc(otherEpochs);
        assertEquals(2, refused.status(), "a saved model of other fine-tuning settings is not reused");
        assertTrue(refused.err().contains("fine-tuned from other data or settings"), refused.err());
    }

    @Test
    void malformedDataLineExitsTwoNamingFileAndLine() throws IOException {
        Path tofu = SharedData.require("tofu");
        Path copy = tmp.resolve("tofu-bad");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(tofu)) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        Path bad = copy.resolve("forget10_perturbed.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(bad));
        lines.set(2, "{\"question\": \"Who?\"}");
        Files.write(bad, lines);
        Result r = pmc(List.of("finetune", "--data", copy.toString(), "--split", "forget10", "--out", tmp.resolve("never").toString()));
        assertEquals(2, r.status());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.contains("forget10_perturbed.jsonl:3:") && err.contains("missing field 'answer'"), err);
        assertFalse(Files.exists(tmp.resolve("never")), "nothing written");
    }

    @Test
    void badOptionsAreOneLineUserErrors() {
        Result r = pmc(args("unlearn", "--model", finetuned.resolve("model").toString(), "--method", "pmc",
                "--selection", "softmax", "--out", tmp.resolve("x").toString()));
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--selection"), r.err());
        r = pmc(args("unlearn", "--model", finetuned.resolve("model").toString(), "--method", "forgetall",
                "--out", tmp.resolve("y").toString()));
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown method 'forgetall'"), r.err());
    }

    private static List<String> iterator(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
