package dev.pmcj.pmc.pipeline;

import dev.pmcj.pmc.eval.ModelEvaluation;
import dev.pmcj.pmc.eval.ModelMetrics;
import dev.pmcj.pmc.unlearn.Unlearner.EpochRecord;

import java.util.List;
import java.util.Map;

/**
 * What a demo run measured.
 *
 * @param models          evaluation per model name ("finetuned", "pmc", "ga", ...), in run order
 * @param histories       per-epoch records of each unlearning method
 * @param fineTuneLosses  mean loss of each fine-tuning epoch
 * @param ignoranceFloor  UQ/2 of a model that only copies the author's name into the answer template
 * @param seconds         wall-clock seconds per stage
 */
public record DemoResult(Map<String, ModelEvaluation> models, Map<String, List<EpochRecord>> histories,
                         List<Double> fineTuneLosses, double ignoranceFloor, Map<String, Double> seconds) {

    public Map<String, ModelMetrics> metrics() {
        return RunReport.metrics(models);
    }
}
