package dev.pmcj.pmc.cli;

import dev.pmcj.tensor.Backend;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every training or evaluation command shares. */
public final class RunOptions {
    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder: config.json, metrics.json, report.html, models, checkpoints.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of training and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DeviceOptions device;

    @Option(names = "--quiet", description = "No progress bars or progress lines.")
    boolean quiet;

    Backend backend() {
        return device.backend();
    }

    StageProgress progress() {
        return new StageProgress(quiet);
    }

    void log(String command, String message) {
        System.err.println("pmc " + command + ": " + message);
    }
}
