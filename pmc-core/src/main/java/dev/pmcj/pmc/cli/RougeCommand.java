package dev.pmcj.pmc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmcj.pmc.eval.RougeL;
import dev.pmcj.pmc.eval.RougeScore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code pmc rouge --pairs FILE}: ROUGE-L (with stemming) of JSON-lines target/prediction pairs. */
@Command(name = "rouge", mixinStandardHelpOptions = true,
        description = "Reads JSON lines with 'target' and 'prediction' and writes each line to standard output "
                + "with ROUGE-L (rouge-score 0.1.2, stemmed) 'precision', 'recall' and 'fmeasure' added.")
public final class RougeCommand implements Callable<Integer> {

    @Option(names = "--pairs", required = true, paramLabel = "FILE", description = "JSON-lines file of pairs.")
    Path pairs;

    @Override
    public Integer call() throws IOException {
        score(pairs, System.out);
        return 0;
    }

    /** Scores every non-blank line of {@code file}; a malformed line fails with file:line and the reason. */
    static void score(Path file, PrintStream out) throws IOException {
        ObjectMapper json = new ObjectMapper();
        RougeL rouge = new RougeL();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            for (int lineNo = 1; (line = in.readLine()) != null; lineNo++) {
                if (line.isBlank()) continue;
                String where = file + ":" + lineNo;
                ObjectNode pair = parse(json, line, where);
                RougeScore s = rouge.score(text(pair, "target", where), text(pair, "prediction", where));
                pair.put("precision", s.precision()).put("recall", s.recall()).put("fmeasure", s.fmeasure());
                out.println(json.writeValueAsString(pair));
            }
        }
        out.flush();
    }

    private static ObjectNode parse(ObjectMapper json, String line, String where) {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UserError(where + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode obj)) throw new UserError(where + ": expected a JSON object");
        return obj;
    }

    private static String text(ObjectNode pair, String field, String where) {
        JsonNode v = pair.get(field);
        if (v == null) throw new UserError(where + ": missing field '" + field + "'");
        if (!v.isTextual()) throw new UserError(where + ": field '" + field + "' must be a string, got " + v.getNodeType());
        return v.asText();
    }
}
