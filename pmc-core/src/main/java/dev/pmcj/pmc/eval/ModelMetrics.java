package dev.pmcj.pmc.eval;

import java.util.Map;

/**
 * One model's figures for {@code metrics.json}. Fractions as the paper reports them over 2 and 3.
 *
 * @param unlearnQuality      UQ / 2
 * @param utility             utility / 3
 * @param samplingAttackRouge mean worst-case ROUGE-L recall over sampled answers; NaN if not measured
 * @param extra               further named figures (recalls per set, TOFU metrics, prefill attack...)
 */
public record ModelMetrics(double unlearnQuality, double utility, double samplingAttackRouge, Map<String, Double> extra) {
    public ModelMetrics {
        extra = Map.copyOf(extra);
    }
}
