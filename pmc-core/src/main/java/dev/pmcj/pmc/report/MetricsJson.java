package dev.pmcj.pmc.report;

import dev.pmcj.pmc.eval.ModelMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmcj.theory.report.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code metrics.json}: {"models": {name: {"unlearn_quality", "utility", "sampling_attack_rouge",
 * ...extra}}, "info": {...}}, written atomically. Non-finite numbers (not measured) become null.
 */
public final class MetricsJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsJson() {
    }

    /** Writes the models in the given order, plus free-form run information (seed, durations...). */
    public static void write(Path file, Map<String, ModelMetrics> models, Map<String, ?> info) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode m = root.putObject("models");
        models.forEach((name, metrics) -> {
            ObjectNode o = m.putObject(name);
            number(o, "unlearn_quality", metrics.unlearnQuality());
            number(o, "utility", metrics.utility());
            number(o, "sampling_attack_rouge", metrics.samplingAttackRouge());
            new TreeMap<>(metrics.extra()).forEach((k, v) -> number(o, k, v));
        });
        root.set("info", JSON.valueToTree(info));
        AtomicFiles.write(file, JSON.writeValueAsString(root) + "\n");
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) o.put(key, v);
        else o.putNull(key);
    }

    /** Reads the models back (null numbers as NaN). */
    public static Map<String, ModelMetrics> read(Path file) throws IOException {
        JsonNode models = JSON.readTree(file.toFile()).path("models");
        if (!models.isObject()) throw new IOException(file + ": no 'models' object");
        Map<String, ModelMetrics> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : models.properties()) {
            JsonNode o = e.getValue();
            Map<String, Double> extra = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : o.properties()) {
                if (!f.getKey().equals("unlearn_quality") && !f.getKey().equals("utility")
                        && !f.getKey().equals("sampling_attack_rouge")) extra.put(f.getKey(), readNumber(o, f.getKey(), file));
            }
            out.put(e.getKey(), new ModelMetrics(readNumber(o, "unlearn_quality", file), readNumber(o, "utility", file),
                    readNumber(o, "sampling_attack_rouge", file), extra));
        }
        return out;
    }

    private static double readNumber(JsonNode o, String key, Path file) throws IOException {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) return Double.NaN;
        if (!v.isNumber()) throw new IOException(file + ": '" + key + "' must be a number, got " + v.getNodeType());
        return v.asDouble();
    }
}
