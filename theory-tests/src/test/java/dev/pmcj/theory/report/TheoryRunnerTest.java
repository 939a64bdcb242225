package dev.pmcj.theory.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TheoryRunnerTest {
    private static TheoryOptions with(TheoryOptions d, int runs, int rounds) {
        return new TheoryOptions(d.mode(), runs, rounds, 0, d.out(), d.counts(), d.forget(), d.samples(), d.k(), d.rewards(), d.temperature());
    }

    @Test
    void partialWritesCsvSvgAndSummary(@TempDir Path dir) throws Exception {
        Summary s = TheoryRunner.run(with(TheoryOptions.defaults(TheoryOptions.Mode.PARTIAL, dir), 300, 12));
        for (String f : List.of("forget_mass.csv", "forget_mass.svg", "extinction.csv", "extinction.svg", "shares.csv", "summary.txt"))
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        assertEquals(s.toString(), Files.readString(dir.resolve("summary.txt")));
        assertEquals("8", s.get("exact_median_extinction_round"));
        assertEquals(100.0 / 165, Double.parseDouble(s.get("rho")), 1e-9);
        assertEquals(0.35 * Math.pow(100.0 / 165, 5), Double.parseDouble(s.get("expected_forget_mass_round_5")), 1e-9);
        assertEquals(15 / 65.0, Double.parseDouble(s.get("retain_limit_4")), 1e-9);
        List<String> mass = Files.readAllLines(dir.resolve("forget_mass.csv"));
        assertEquals("round,mean,p05,median,p95,expected,expected_sd", mass.getFirst());
        assertEquals(13 + 1, mass.size());
        for (String line : s.toString().split("\n")) assertTrue(line.matches("[a-z0-9_]+ \\S+"), line);
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temp files are renamed away");
        }
    }

    @Test
    void curatedReportsTheExampleSequence(@TempDir Path dir) throws Exception {
        Summary s = TheoryRunner.run(with(TheoryOptions.defaults(TheoryOptions.Mode.CURATED, dir), 20, 10));
        assertEquals(1.6843, Double.parseDouble(s.get("exp_reward_round_1")), 5e-5);
        assertTrue(Files.readString(dir.resolve("curated.csv")).startsWith("round,exact,bound,top,sampled_mean"));
        assertTrue(Files.readString(dir.resolve("curated.svg")).contains("lower bound"));
    }

    @Test
    void pmcKeepsRetainQuestionsOnTheirData(@TempDir Path dir) throws Exception {
        Summary s = TheoryRunner.run(with(TheoryOptions.defaults(TheoryOptions.Mode.PMC, dir), 20, 30));
        assertEquals(0, Double.parseDouble(s.get("retain_1_sampled_max_l1_after_round_0")), 1e-12);
        assertTrue(Double.parseDouble(s.get("forget_1_exp_reward_ratio_final")) > 0.9999);
        assertTrue(Files.exists(dir.resolve("pmc.svg")));
    }

    @Test
    void badOptionsNameTheFlag(@TempDir Path dir) {
        TheoryOptions d = TheoryOptions.defaults(TheoryOptions.Mode.PARTIAL, dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TheoryOptions(d.mode(), 10, 10, 0, dir,
                d.counts(), 10, d.samples(), d.k(), d.rewards(), d.temperature()));
        assertTrue(e.getMessage().contains("--forget"), e.getMessage());
    }
}
