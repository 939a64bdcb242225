package dev.pmcj.bench.quick;

import dev.pmcj.bench.workload.Flops;
import dev.pmcj.bench.workload.TrainingStep;
import dev.pmcj.tensor.Backend;
import dev.pmcj.transformer.model.ModelConfig;

import java.util.List;

/**
 * {@code train_step_NAME_ms} and {@code train_NAME_tokens_per_s}: the median of {@code reps} whole
 * training steps ({@link TrainingStep}) on {@code backend} after {@code warmup} untimed ones; and
 * {@code train_step_NAME_gflop}, a step's work ({@link Flops#trainingStep}). On
 * OpenCL a step's loss read waits for the previous step's backward pass and update, so the median is
 * the steady-state step time there too.
 */
public final class TrainStepFigure implements QuickFigure {
    private final String name;
    private final Backend backend;
    private final ModelConfig config;
    private final int batch, seqLen, warmup, reps;

    public TrainStepFigure(String name, Backend backend, ModelConfig config, int batch, int seqLen, int warmup, int reps) {
        this.name = name;
        this.backend = backend;
        this.config = config;
        this.batch = batch;
        this.seqLen = seqLen;
        this.warmup = warmup;
        this.reps = reps;
    }

    /** The anchor's small config (batch 8, sequence 128), as {@code bench/quick} prints it. */
    public static TrainStepFigure small(Backend backend) {
        return new TrainStepFigure("small", backend, TrainingStep.small(), 8, 128, 8, 9);
    }

    /** The anchor's GPT-2 124M config (batch 4, sequence 64): warm-up steps (at least one, and 3 s), the median of five. */
    public static TrainStepFigure gpt2(Backend backend) {
        return new TrainStepFigure("gpt2", backend, TrainingStep.gpt2(), 4, 64, 1, 5);
    }

    @Override
    public List<Measurement> run() {
        TrainingStep step = new TrainingStep(backend, config, batch, seqLen, 1);
        double ms = Timing.medianMillis(step::run, warmup, reps);
        return List.of(new Measurement("train_step_" + name + "_ms", ms, "ms"),
                new Measurement("train_" + name + "_tokens_per_s", step.tokens() / (ms / 1e3), "tokens/s"),
                new Measurement("train_step_" + name + "_gflop", Flops.trainingStep(config, batch, seqLen) / 1e9, "GFLOP"));
    }
}
