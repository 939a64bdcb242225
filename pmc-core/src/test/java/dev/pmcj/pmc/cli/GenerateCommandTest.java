package dev.pmcj.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmcj.testsupport.SharedData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateCommandTest {

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static List<String> modelArgs(String... more) {
        Path dir = SharedData.require("models/stories260K");
        List<String> args = new ArrayList<>(List.of("generate", "--checkpoint", dir.resolve("stories260K.bin").toString(),
                "--tokenizer", dir.resolve("tok512.bin").toString()));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void greedyIdsMatchLlama2cGolden() throws IOException {
        JsonNode golden = new ObjectMapper().readTree(SharedData.require("models/stories260K/golden_reference.json").toFile());
        String expected = StreamSupport.stream(golden.get("greedy_from_bos_256_ids").spliterator(), false)
                .map(JsonNode::asText).collect(Collectors.joining(" "));
        Result r = run(modelArgs("--temperature", "0", "--max-new-tokens", "256", "--format", "ids").toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        assertEquals(expected, r.out().strip());
    }

    @Test
    void greedyTextContinuesThePrompt() throws IOException {
        JsonNode golden = new ObjectMapper().readTree(SharedData.require("models/stories260K/golden_reference.json").toFile());
        String story = golden.get("greedy_from_bos_256_text").asText();
        Result r = run(modelArgs("--prompt", "Once upon a time", "--temperature", "0", "--max-new-tokens", "40").toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        String text = r.out().strip();
        assertTrue(text.length() > 60 && story.startsWith(text), "greedy text after the golden prompt: " + text);
    }

    @Test
    void badFlagsFailWithOneLine() {
        Result r = run(modelArgs("--temperature", "-1").toArray(String[]::new));
        assertEquals(2, r.status());
        assertTrue(r.err().strip().lines().count() == 1 && r.err().contains("temperature"), r.err());
        Result missing = run("generate", "--checkpoint", "/nonexistent/model.bin", "--tokenizer", "/nonexistent/tok.bin");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("/nonexistent/"), missing.err());
    }
}
