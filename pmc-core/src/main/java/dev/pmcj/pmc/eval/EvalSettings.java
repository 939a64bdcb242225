package dev.pmcj.pmc.eval;

import java.nio.file.Path;

/**
 * How a model is evaluated.
 *
 * @param retainSample     retain items drawn with replacement for utility (reference: 400, seed 12345)
 * @param retainSeed       seed of that draw
 * @param attackSamples    samples per forget question in the sampling attack (reference: 100)
 * @param attackTemperature temperature of the sampling attack
 * @param maxTotalLength   cap on prompt + answer tokens
 * @param prefill          the prefill attack's start of the answer
 * @param wikitext         wikitext-2 text for the over-unlearning shift ({@link OverUnlearning}); null: not measured
 */
public record EvalSettings(int retainSample, long retainSeed, int attackSamples, float attackTemperature,
                           int maxTotalLength, String prefill, Path wikitext) {

    public static EvalSettings reference() {
        return new EvalSettings(400, 12345L, 100, 1.0f, 200, "The answer is:", null);
    }

    public EvalSettings withAttackSamples(int n) {
        return new EvalSettings(retainSample, retainSeed, n, attackTemperature, maxTotalLength, prefill, wikitext);
    }

    public EvalSettings withMaxTotalLength(int n) {
        return new EvalSettings(retainSample, retainSeed, attackSamples, attackTemperature, n, prefill, wikitext);
    }

    /** @param file the text, or null for no over-unlearning measurement */
    public EvalSettings withWikitext(Path file) {
        return new EvalSettings(retainSample, retainSeed, attackSamples, attackTemperature, maxTotalLength, prefill, file);
    }
}
