package dev.pmcj.pmc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pmcj.pmc.pipeline.RunReport;
import dev.pmcj.pmc.report.MetricsJson;
import dev.pmcj.tensor.Backend;
import dev.pmcj.theory.report.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A command's output folder: {@code config.json} (what was asked), {@code metrics.json} and {@code report.html}. */
final class RunFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunFiles() {
    }

    /** The first entries of every config.json, the command and its device; the command puts its own after them. */
    static Map<String, Object> newConfig(String command, Backend backend) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("command", command);
        config.put("device", backend.name());
        return config;
    }

    /**
     * A run's facts for metrics.json, in the order given: {@code Map.of} orders its keys differently in
     * every JVM, and two runs' files should differ only where their numbers do.
     */
    static Map<String, Object> info(Object... keysAndValues) {
        Map<String, Object> info = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) info.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return info;
    }

    static void config(Path out, Map<String, ?> config) throws IOException {
        AtomicFiles.write(out.resolve("config.json"), JSON.writeValueAsString(config) + "\n");
    }

    /** metrics.json from the report's models plus {@code info}, then report.html. */
    static void results(Path out, RunReport report, Map<String, ?> info) throws IOException {
        MetricsJson.write(out.resolve("metrics.json"), RunReport.metrics(report.models()), info);
        report.html().write(out.resolve("report.html"));
    }

    /** The final {@link #results} and the {@link Summary} on standard output. */
    static void finish(Path out, RunReport report, Map<String, ?> info) throws IOException {
        results(out, report, info);
        Summary.print(RunReport.metrics(report.models()), out);
    }
}
