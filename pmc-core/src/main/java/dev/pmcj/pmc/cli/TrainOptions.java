package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.pipeline.FineTune;
import picocli.CommandLine.Option;

/** Fine-tuning settings (AdamW, weight decay 0.01, warm-up over the first epoch then linear decay). */
public final class TrainOptions {
    @Option(names = "--epochs", defaultValue = "30", paramLabel = "N", description = "Fine-tuning epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "Fine-tuning batch. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-3", paramLabel = "LR", description = "Fine-tuning peak rate. Default: ${DEFAULT-VALUE}.")
    float lr;

    @Option(names = "--label-smoothing", defaultValue = "0.1", paramLabel = "E",
            description = "Keeps PMC's samples diverse (pmc.md section 7). Default: ${DEFAULT-VALUE}.")
    float labelSmoothing;

    FineTune.Settings settings(long seed) {
        return new FineTune.Settings(epochs, batch, lr, 0.01f, labelSmoothing, seed);
    }
}
