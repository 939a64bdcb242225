package dev.pmcj.pmc.data;

import dev.pmcj.testsupport.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TofuLoaderTest {

    @Test
    void loadsTheRealForget10Split() throws IOException {
        UnlearningData d = TofuLoader.load(SharedData.require("tofu"), "forget10");
        assertEquals(4000, d.fineTune().size());
        assertEquals(400, d.forget().size());
        assertEquals(3600, d.retain().size());
        assertEquals(400, d.retainEval().size());
        assertEquals(400, d.holdout().size());
        assertEquals(117, d.worldFacts().size());
        assertEquals(100, d.realAuthors().size());
        assertTrue(d.refusals().size() > 50);
        QaItem first = d.forget().getFirst();
        assertTrue(first.hasParaphrase());
        assertEquals(5, first.perturbedAnswers().size());
        assertEquals(180, first.group(), "forget10 is the last 20 of 200 authors");
        assertEquals(199, d.forget().getLast().group());
        assertEquals(0, d.retain().getFirst().group());
        assertEquals(200, d.holdout().getFirst().group());
        assertEquals(QaItem.NO_GROUP, d.worldFacts().getFirst().group());
        assertEquals(3, d.worldFacts().getFirst().perturbedAnswers().size());
        assertEquals(d.forget().size(), d.forgetQuestions().size());
        assertEquals(first.question(), d.forgetQuestions().question(0));
    }

    @Test
    void smallerSplitsAndUnknownSplit() throws IOException {
        Path dir = SharedData.require("tofu");
        assertEquals(40, TofuLoader.load(dir, "forget01").forget().size());
        assertEquals(3800, TofuLoader.load(dir, "forget05").retain().size());
        assertThrows(IllegalArgumentException.class, () -> TofuLoader.load(dir, "forget20"));
    }

    @Test
    void malformedLinesNameFileLineAndProblem(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x.jsonl");
        String ok = "{\"question\": \"q\", \"answer\": \"a\"}\n";
        String[][] cases = {
                {"{\"question\": \"q\"", "not valid JSON"},
                {"[1]", "expected a JSON object"},
                {"{\"question\": \"q\"}", "missing field 'answer'"},
                {"{\"question\": 1, \"answer\": \"a\"}", "field 'question' must be a string"},
                {"{\"question\": \"q\", \"answer\": \"a\", \"perturbed_answer\": \"x\"}", "'perturbed_answer' must be an array"},
                {"{\"question\": \"q\", \"answer\": \"a\", \"perturbed_answer\": [1]}", "'perturbed_answer' must hold only strings"},
                {"{\"question\": \"q\", \"answer\": \"a\", \"paraphrased_answer\": 2}", "field 'paraphrased_answer' must be a string"}};
        for (String[] c : cases) {
            Files.writeString(f, ok + "\n" + c[0] + "\n");
            MalformedDataException e = assertThrows(MalformedDataException.class,
                    () -> TofuLoader.read(f, QaItem.Kind.AUTHOR, TofuLoader.NO_GROUPS));
            assertTrue(e.getMessage().startsWith(f + ":3: " + c[1]), e.getMessage());
        }
        Files.writeString(f, ok);
        MalformedDataException unknown = assertThrows(MalformedDataException.class,
                () -> TofuLoader.read(f, QaItem.Kind.AUTHOR, q -> null));
        assertTrue(unknown.getMessage().contains(":1: question not found"), unknown.getMessage());
        Files.writeString(f, "\n");
        assertThrows(MalformedDataException.class, () -> TofuLoader.read(f, QaItem.Kind.AUTHOR, TofuLoader.NO_GROUPS));
    }
}
