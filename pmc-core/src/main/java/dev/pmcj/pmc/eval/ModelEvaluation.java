package dev.pmcj.pmc.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's figures plus a few of its greedy forget answers, for the report, and where measured the
 * wikitext-2 probability shifts of the forget tokens against the model it was unlearned from.
 */
public record ModelEvaluation(ModelMetrics metrics, List<Answered> samples, Optional<ShiftSummary> wikitextShift) {

    public ModelEvaluation(ModelMetrics metrics, List<Answered> samples) {
        this(metrics, samples, Optional.empty());
    }

    public record Answered(String question, String truth, String answer) {
    }

    /** This evaluation with {@code more} added to its extra metrics. */
    public ModelEvaluation withExtra(Map<String, Double> more) {
        Map<String, Double> extra = new LinkedHashMap<>(metrics.extra());
        extra.putAll(more);
        return new ModelEvaluation(new ModelMetrics(metrics.unlearnQuality(), metrics.utility(), metrics.samplingAttackRouge(), extra),
                samples, wikitextShift);
    }

    /** This evaluation with the shift summary kept for the report and its {@code wikitext_shift_*} figures in the metrics. */
    public ModelEvaluation withWikitextShift(ShiftSummary shift) {
        ModelEvaluation e = withExtra(shift.metrics());
        return new ModelEvaluation(e.metrics, e.samples, Optional.of(shift));
    }
}
