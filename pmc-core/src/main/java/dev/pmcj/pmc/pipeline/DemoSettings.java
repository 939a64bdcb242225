package dev.pmcj.pmc.pipeline;

import dev.pmcj.pmc.data.AuthorDataConfig;
import dev.pmcj.pmc.eval.EvalSettings;
import dev.pmcj.pmc.unlearn.PmcConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code pmc demo} does, in one record: data, vocabulary, model, fine-tuning, the methods
 * compared and how they are evaluated. Defaults follow pmc.md section 7 (a small GPT-2, label
 * smoothing 0.1, PMC at temperature 1.0 with lambda 2 and n 5). {@code generalRetainWeight} repeats the
 * small general-knowledge sets in the retain pool (see {@link dev.pmcj.pmc.data.UnlearningData#withGeneralRetainWeight}).
 */
public record DemoSettings(AuthorDataConfig data, int splitPercent, int generalRetainWeight, Architecture architecture,
                           FineTune.Settings fineTune, PmcConfig pmc, int baselineEpochs, float baselineLr,
                           List<String> methods, EvalSettings eval, long seed) {

    /** Authors of the demo: 60 keeps fine-tuning to a few minutes on 2 cores; forget10 is then 6 authors. */
    public static final int AUTHORS = 60;

    public static DemoSettings defaults(long seed) {
        AuthorDataConfig d = AuthorDataConfig.DEFAULT.withSeed(seed);
        return new DemoSettings(new AuthorDataConfig(AUTHORS, d.factsPerAuthor(), d.perturbedPerFact(), d.worldFacts(),
                d.realAuthors(), d.refusalItems(), seed), 10, 8, new Architecture(1024, 2, 128, 4, 96),
                new FineTune.Settings(20, 32, 2e-3f, 0.01f, 0.1f, seed),
                PmcConfig.demo(), 5, 1e-3f, List.of("pmc", "ga", "npo"),
                EvalSettings.reference().withAttackSamples(20).withMaxTotalLength(96), seed);
    }

    public DemoSettings withAuthors(int authors) {
        AuthorDataConfig d = new AuthorDataConfig(authors, data.factsPerAuthor(), data.perturbedPerFact(), data.worldFacts(),
                data.realAuthors(), data.refusalItems(), data.seed());
        return new DemoSettings(d, splitPercent, generalRetainWeight, architecture, fineTune, pmc, baselineEpochs,
                baselineLr, methods, eval, seed);
    }

    public DemoSettings withEpochs(int fineTuneEpochs, int pmcEpochs) {
        FineTune.Settings f = new FineTune.Settings(fineTuneEpochs, fineTune.batch(), fineTune.lr(), fineTune.weightDecay(),
                fineTune.labelSmoothing(), fineTune.seed());
        return new DemoSettings(data, splitPercent, generalRetainWeight, architecture, f, pmc.withEpochs(pmcEpochs),
                baselineEpochs, baselineLr, methods, eval, seed);
    }

    public DemoSettings withMethods(List<String> m) {
        return new DemoSettings(data, splitPercent, generalRetainWeight, architecture, fineTune, pmc, baselineEpochs,
                baselineLr, List.copyOf(m), eval, seed);
    }

    /** @param file wikitext-2 text for the over-unlearning shift, or null for none */
    public DemoSettings withWikitext(Path file) {
        return new DemoSettings(data, splitPercent, generalRetainWeight, architecture, fineTune, pmc, baselineEpochs,
                baselineLr, methods, eval.withWikitext(file), seed);
    }

}
