package dev.pmcj.pmc.eval;

/**
 * How a model is evaluated.
 *
 * @param retainSample     retain items drawn with replacement for utility (reference: 400, seed 12345)
 * @param retainSeed       seed of that draw
 * @param attackSamples    samples per forget question in the sampling attack (reference: 100)
 * @param attackTemperature temperature of the sampling attack
 * @param maxTotalLength   cap on prompt + answer tokens
 * @param prefill          the prefill attack's start of the answer
 */
public record EvalSettings(int retainSample, long retainSeed, int attackSamples, float attackTemperature,
                           int maxTotalLength, String prefill) {

    public static EvalSettings reference() {
        return new EvalSettings(400, 12345L, 100, 1.0f, 200, "The answer is:");
    }

    public EvalSettings withAttackSamples(int n) {
        return new EvalSettings(retainSample, retainSeed, n, attackTemperature, maxTotalLength, prefill);
    }

    public EvalSettings withMaxTotalLength(int n) {
        return new EvalSettings(retainSample, retainSeed, attackSamples, attackTemperature, n, prefill);
    }
}
