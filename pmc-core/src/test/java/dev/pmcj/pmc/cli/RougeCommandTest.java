package dev.pmcj.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmcj.testsupport.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RougeCommandTest {
    private final ObjectMapper json = new ObjectMapper();

    private List<String> run(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RougeCommand.score(file, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** Fed the conformance file with its scores stripped, the command restores them (within 1e-9). */
    @Test
    void reproducesConformanceScores() throws IOException {
        List<String> golden = Files.readAllLines(SharedData.require("rouge/rougeL_tofu_pairs.jsonl"));
        Path input = Files.createTempFile("pairs", ".jsonl");
        try {
            StringBuilder sb = new StringBuilder();
            for (String line : golden) {
                JsonNode d = json.readTree(line);
                sb.append(json.writeValueAsString(json.createObjectNode()
                        .put("target", d.get("target").asText()).put("prediction", d.get("prediction").asText())))
                        .append('\n');
            }
            Files.writeString(input, sb);
            List<String> out = run(input);
            assertEquals(golden.size(), out.size());
            for (int i = 0; i < golden.size(); i++) {
                JsonNode want = json.readTree(golden.get(i));
                JsonNode got = json.readTree(out.get(i));
                assertEquals(want.get("target"), got.get("target"));
                for (String k : List.of("precision", "recall", "fmeasure")) {
                    assertEquals(want.get(k).asDouble(), got.get(k).asDouble(), 1e-9, "line " + (i + 1) + " " + k);
                }
            }
        } finally {
            Files.delete(input);
        }
    }

    @Test
    void keepsOtherFieldsAndSkipsBlankLines(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("p.jsonl");
        Files.writeString(f, "{\"id\": 7, \"target\": \"a b c d\", \"prediction\": \"a x c\"}\n\n");
        List<String> out = run(f);
        assertEquals(1, out.size());
        JsonNode d = json.readTree(out.get(0));
        assertEquals(7, d.get("id").asInt());
        assertEquals(2.0 / 3, d.get("precision").asDouble(), 0);
        assertEquals(0.5, d.get("recall").asDouble(), 0);
    }

    @Test
    void malformedLinesNameFileLineAndProblem(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.jsonl");
        String ok = "{\"target\": \"x\", \"prediction\": \"x\"}\n";
        String[][] cases = {
                {"{\"target\": \"x\"", "not valid JSON"},
                {"[1, 2]", "expected a JSON object"},
                {"{\"target\": \"x\"}", "missing field 'prediction'"},
                {"{\"target\": 3, \"prediction\": \"x\"}", "field 'target' must be a string"}};
        for (String[] c : cases) {
            Files.writeString(f, ok + c[0] + "\n");
            UserError e = assertThrows(UserError.class, () -> run(f));
            assertEquals(true, e.getMessage().startsWith(f + ":2: " + c[1]), e.getMessage());
        }
        assertEquals(2, Main.run("rouge", "--pairs", f.toString()));
        assertEquals(2, Main.run("rouge", "--pairs", dir.resolve("absent.jsonl").toString()));
    }
}
