package dev.pmcj.pmc.cli;

import dev.pmcj.theory.report.Summary;
import dev.pmcj.theory.report.TheoryOptions;
import dev.pmcj.theory.report.TheoryRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code pmc theory total|partial|curated|pmc}: the toy processes of pmc.md section 6, as CSV, SVG and a summary. */
@Command(name = "theory", mixinStandardHelpOptions = true,
        description = "Simulates the toy collapse processes (pmc.md section 6), writes CSV files and SVG plots to --out "
                + "and prints a summary, one NAME VALUE a line. Defaults: the blog setting (total, partial) and "
                + "pmc.md's curated example (curated, pmc).")
public final class TheoryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODE", description = "total, partial, curated or pmc.")
    String mode;

    @Option(names = "--runs", paramLabel = "N", description = "Independent runs (default 1000; 200 for curated and pmc).")
    Integer runs;

    @Option(names = "--rounds", paramLabel = "T", description = "Rounds per run (default 40; 30 for curated and pmc).")
    Integer rounds;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default 0).")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default runs/theory-MODE).")
    Path out;

    @Option(names = "--counts", split = ",", paramLabel = "C",
            description = "Initial counts, e.g. 5,10,20,15,10,10,5,10,10,5 (curated: initial weights).")
    int[] counts;

    @Option(names = "--forget", paramLabel = "F", description = "The first F categories are forgotten (default 3).")
    Integer forget;

    @Option(names = "--samples", paramLabel = "N",
            description = "Draws per round (total, partial; default 100) or kept samples per round (curated, pmc).")
    Integer samples;

    @Option(names = "--k", paramLabel = "K", description = "Candidates per curated sample (curated, pmc; default 4).")
    Integer k;

    @Option(names = "--rewards", split = ",", paramLabel = "R", description = "Rewards per category (curated; default 0,0.4,1,1).")
    double[] rewards;

    @Option(names = "--temperature", paramLabel = "TAU", description = "Bradley-Terry temperature; 0 = argmax (default 1).")
    Double temperature;

    @Override
    public Integer call() throws IOException {
        TheoryOptions.Mode m = parseMode(mode);
        TheoryOptions d = TheoryOptions.defaults(m, Path.of("runs", "theory-" + mode.toLowerCase(Locale.ROOT)));
        TheoryOptions options = new TheoryOptions(m, or(runs, d.runs()), or(rounds, d.rounds()), or(seed, d.seed()),
                or(out, d.out()), or(counts, d.counts()), or(forget, d.forget()), or(samples, d.samples()), or(k, d.k()),
                or(rewards, d.rewards()), or(temperature, d.temperature()));
        Summary summary = TheoryRunner.run(options);
        spec.commandLine().getOut().print(summary);
        spec.commandLine().getOut().flush();
        return 0;
    }

    static TheoryOptions.Mode parseMode(String mode) {
        try {
            return TheoryOptions.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("unknown theory mode '" + mode + "': expected total, partial, curated or pmc");
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
