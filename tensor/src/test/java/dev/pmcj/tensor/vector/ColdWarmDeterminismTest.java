package dev.pmcj.tensor.vector;

import dev.pmcj.testsupport.FreshJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Same inputs, same bits, whether a kernel runs interpreted or compiled: a run with a fixed seed
 * must be repeatable. This JVM's kernels are already compiled by earlier tests, so
 * {@link ColdWarmProbe} runs in a fresh one.
 */
class ColdWarmDeterminismTest {
    @Test
    void everyKernelGivesOneResultFromColdToWarm() throws IOException, InterruptedException {
        String out = FreshJvm.run("the probe", 120, List.of(), ColdWarmProbe.class);
        List<String> lines = out.lines().toList(), varying = new ArrayList<>();
        for (String line : lines) {
            if (!line.endsWith(" 1")) varying.add(line);
        }
        assertTrue(lines.size() > 20, "the probe printed too little:\n" + out);
        assertTrue(varying.isEmpty(), "kernels whose result changed between " + ColdWarmProbe.REPEATS
                + " runs of the same input (NAME DISTINCT-RESULTS): " + varying);
    }
}
