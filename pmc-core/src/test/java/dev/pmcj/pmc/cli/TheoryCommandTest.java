package dev.pmcj.pmc.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TheoryCommandTest {
    private static Map<String, String> run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new TheoryCommand()).setOut(new PrintWriter(out));
        assertEquals(0, cli.execute(args));
        return out.toString().lines().map(l -> l.split(" ", 2)).collect(Collectors.toMap(p -> p[0], p -> p[1]));
    }

    @Test
    void partialBlogSettingPrintsNameValueSummaryAndWritesFiles(@TempDir Path dir) throws Exception {
        Map<String, String> s = run("partial", "--runs", "400", "--rounds", "12", "--seed", "3", "--out", dir.toString());
        assertEquals("8", s.get("exact_median_extinction_round"));
        assertEquals(0.35 * Math.pow(100.0 / 165, 5), Double.parseDouble(s.get("expected_forget_mass_round_5")), 1e-9);
        assertTrue(s.containsKey("median_extinction_round") && s.containsKey("mean_forget_mass_round_5"));
        for (String f : new String[] {"forget_mass.csv", "forget_mass.svg", "extinction.csv", "extinction.svg", "summary.txt"})
            assertTrue(Files.exists(dir.resolve(f)), f);
    }

    @Test
    void countsForgetAndSamplesAreHonoured(@TempDir Path dir) {
        Map<String, String> s = run("partial", "--counts", "1,1,2", "--forget", "1", "--samples", "9", "--runs", "20",
                "--rounds", "5", "--out", dir.toString());
        assertEquals(9 / 12.0, Double.parseDouble(s.get("rho")), 1e-9);
        assertEquals(0.25, Double.parseDouble(s.get("forget_mass_round_0")), 1e-12);
    }

    @Test
    void unknownModeIsAUserError() {
        assertEquals(2, Main.run("theory", "bogus"));
    }
}
