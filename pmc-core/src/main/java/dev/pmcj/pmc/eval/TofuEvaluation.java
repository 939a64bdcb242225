package dev.pmcj.pmc.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One model's TOFU metrics (open-unlearning definitions) on the four evaluation sets. Forget quality
 * needs a second model (trained on the retain set only), so it is computed by {@link #forgetQuality}.
 */
public record TofuEvaluation(SetScores forget, SetScores retain, SetScores realAuthors, SetScores worldFacts) {

    /**
     * Figures of one set.
     *
     * @param probability  mean answer probability: exp(-mean token NLL) on forget and retain; on real
     *                     authors and world facts normalised against the perturbed options
     * @param rouge        mean ROUGE-L recall of greedy answers against the truth
     * @param truthRatios  per item P(perturbed) / P(paraphrased), length-normalised
     * @param truthRatio   the aggregate: mean(min(TR, 1/TR)) on forget, mean(max(0, 1 - TR)) elsewhere
     */
    public record SetScores(double probability, double rouge, double[] truthRatios, double truthRatio) {
    }

    /** Harmonic mean of probability, ROUGE-L and truth ratio on retain, real authors and world facts. */
    public double modelUtility() {
        return TofuMetrics.harmonicMean(retain.probability, retain.rouge, retain.truthRatio,
                realAuthors.probability, realAuthors.rouge, realAuthors.truthRatio,
                worldFacts.probability, worldFacts.rouge, worldFacts.truthRatio);
    }

    /** KS p-value between this model's forget truth ratios and those of the retain-only model. */
    public double forgetQuality(TofuEvaluation retainModel) {
        return TofuMetrics.forgetQuality(forget.truthRatios, retainModel.forget.truthRatios);
    }

    /** The figures as {@code tofu_*} entries for {@code metrics.json}; forget quality NaN when not measured. */
    public Map<String, Double> metrics(double forgetQuality) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("tofu_forget_quality", forgetQuality);
        m.put("tofu_model_utility", modelUtility());
        put(m, "forget", forget);
        put(m, "retain", retain);
        put(m, "real_authors", realAuthors);
        put(m, "world_facts", worldFacts);
        return m;
    }

    private static void put(Map<String, Double> m, String set, SetScores s) {
        m.put("tofu_" + set + "_probability", s.probability);
        m.put("tofu_" + set + "_rouge", s.rouge);
        m.put("tofu_" + set + "_truth_ratio", s.truthRatio);
    }

    /** {@code e} with these figures added to its extra metrics. */
    public ModelEvaluation addTo(ModelEvaluation e, double forgetQuality) {
        return e.withExtra(metrics(forgetQuality));
    }
}
