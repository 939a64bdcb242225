package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.unlearn.PmcConfig;
import dev.pmcj.pmc.unlearn.Selection;
import picocli.CommandLine.Option;

/**
 * PMC's settings over {@link PmcConfig#demo()}; lambda and the batch also apply to the baselines. Epochs and
 * learning rate are the command's own options (they differ between methods).
 */
public final class UnlearnOptions {
    private static final PmcConfig D = PmcConfig.demo();

    @Option(names = "--lambda", paramLabel = "L", description = "Weight of the retain loss (default 2).")
    Float lambda;

    @Option(names = "--temperature", paramLabel = "T", description = "PMC sampling temperature (default 1.0).")
    Float temperature;

    @Option(names = "--samples", paramLabel = "N", description = "PMC candidates per question (default 5).")
    Integer samples;

    @Option(names = "--selection", paramLabel = "argmin|bt:TAU", description = "PMC candidate choice (default argmin).")
    String selection;

    @Option(names = "--min-words", paramLabel = "N", description = "PMC length penalty below N words; 0 = off (default 0).")
    Integer minWords;

    @Option(names = "--forget-batch", paramLabel = "N", description = "Forget items per micro-batch (default 10).")
    Integer forgetBatch;

    /** PMC's settings with the options applied (null epochs or lr: the demo's); samples capped at {@code maxTotalLength} tokens. */
    PmcConfig pmc(int maxTotalLength, Integer epochs, Float lr) {
        return new PmcConfig(or(lambda, D.lambda()), or(temperature, D.temperature()), D.topP(), or(samples, D.samples()),
                or(epochs, D.epochs()), or(forgetBatch, D.forgetBatch()), D.gradAccum(), maxTotalLength, or(lr, D.lr()),
                D.weightDecay(), selection == null ? D.selection() : parseSelection(selection), or(minWords, D.minWords()));
    }

    static Selection parseSelection(String s) {
        if (s.equals("argmin")) return new Selection.Argmin();
        if (s.startsWith("bt:")) {
            try {
                return new Selection.BradleyTerry(Double.parseDouble(s.substring(3)));
            } catch (NumberFormatException e) {
                throw new UserError("--selection: '" + s.substring(3) + "' is not a number (expected bt:TAU, e.g. bt:0.1)");
            }
        }
        throw new UserError("--selection: expected argmin or bt:TAU, got '" + s + "'");
    }

    private static <T> T or(T v, T fallback) {
        return v != null ? v : fallback;
    }
}
