package dev.pmcj.tensor.vector;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Same inputs, same bits, whether a kernel runs interpreted or compiled: a run with a fixed seed
 * must be repeatable. This JVM's kernels are already compiled by earlier tests, so
 * {@link ColdWarmProbe} runs in a fresh one.
 */
class ColdWarmDeterminismTest {
    @Test
    void everyKernelGivesOneResultFromColdToWarm() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), ColdWarmProbe.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe did not finish in 2 minutes");
        assertEquals(0, p.exitValue(), "the probe failed:\n" + out);
        List<String> lines = out.lines().toList(), varying = new ArrayList<>();
        for (String line : lines) {
            if (!line.endsWith(" 1")) varying.add(line);
        }
        assertTrue(lines.size() > 20, "the probe printed too little:\n" + out);
        assertTrue(varying.isEmpty(), "kernels whose result changed between " + ColdWarmProbe.REPEATS
                + " runs of the same input (NAME DISTINCT-RESULTS): " + varying);
    }
}
