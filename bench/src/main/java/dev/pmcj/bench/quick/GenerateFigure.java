package dev.pmcj.bench.quick;

import dev.pmcj.bench.workload.Flops;
import dev.pmcj.bench.workload.Generation;
import dev.pmcj.tensor.Backend;
import dev.pmcj.transformer.model.Decoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code generate_stories260k_tokens_per_s} (one greedy stream) and {@code generate_batch32_tokens_per_s}
 * (32 streams, temperature 1, top-p 0.9): median rate over repeated 255-token generations from BOS;
 * {@code generate_stories260k_mflop_per_token}: their work a token, averaged over positions 0 to 254.
 * The checkpoint is read from {@code -Dpmcj.shared} (default {@code ../shared}); without it these
 * figures are left out with a note on stderr.
 */
public final class GenerateFigure implements QuickFigure {
    private static final int STREAMS = 32;
    private final Backend backend;

    public GenerateFigure(Backend backend) {
        this.backend = backend;
    }

    @Override
    public List<Measurement> run() {
        Path ckpt = Generation.stories260k(Path.of(System.getProperty("pmcj.shared", "../shared")));
        if (!Files.isRegularFile(ckpt)) {
            System.err.println("# generate_*: no " + ckpt + ", skipped");
            return List.of();
        }
        Decoder model;
        try {
            model = Generation.load(ckpt, backend);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Measurement> out = new ArrayList<>();
        try (Generation one = Generation.greedy(model)) {
            out.add(new Measurement("generate_stories260k_tokens_per_s", rate(one, 10, 11), "tokens/s"));
        }
        try (Generation batch = Generation.sampled(model, STREAMS)) {
            out.add(new Measurement("generate_batch32_tokens_per_s", rate(batch, 3, 5), "tokens/s"));
        }
        double perToken = Flops.decoding(model.config(), 0, Generation.NEW_TOKENS) / Generation.NEW_TOKENS;
        out.add(new Measurement("generate_stories260k_mflop_per_token", perToken / 1e6, "MFLOP"));
        return out;
    }

    private static double rate(Generation g, int warmup, int reps) {
        int[] tokens = new int[1];
        double ms = Timing.medianMillis(() -> tokens[0] = g.run(), warmup, reps);
        return tokens[0] / (ms / 1e3);
    }
}
