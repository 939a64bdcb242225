package dev.pmcj.bench.quick;

import dev.pmcj.bench.workload.TrainingStep;
import dev.pmcj.tensor.Backends;
import dev.pmcj.transformer.model.ModelConfig;

import java.util.List;

/**
 * {@code train_step_NAME_ms} and {@code train_NAME_tokens_per_s}: the median of {@code reps} whole
 * training steps ({@link TrainingStep}) on the CPU backend after {@code warmup} untimed ones.
 */
public final class TrainStepFigure implements QuickFigure {
    private final String name;
    private final ModelConfig config;
    private final int batch, seqLen, warmup, reps;

    public TrainStepFigure(String name, ModelConfig config, int batch, int seqLen, int warmup, int reps) {
        this.name = name;
        this.config = config;
        this.batch = batch;
        this.seqLen = seqLen;
        this.warmup = warmup;
        this.reps = reps;
    }

    /** The anchor's small config, as {@code bench/quick} prints it. */
    public static TrainStepFigure small() {
        return new TrainStepFigure("small", TrainingStep.small(), 8, 128, 8, 9);
    }

    @Override
    public List<Measurement> run() {
        TrainingStep step = new TrainingStep(Backends.cpu(), config, batch, seqLen, 1);
        double ms = Timing.medianMillis(step::run, warmup, reps);
        return List.of(new Measurement("train_step_" + name + "_ms", ms, "ms"),
                new Measurement("train_" + name + "_tokens_per_s", step.tokens() / (ms / 1e3), "tokens/s"));
    }
}
