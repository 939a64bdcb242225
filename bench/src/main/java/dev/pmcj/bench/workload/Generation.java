package dev.pmcj.bench.workload;

import dev.pmcj.tensor.Backend;
import dev.pmcj.transformer.checkpoint.Checkpoint;
import dev.pmcj.transformer.checkpoint.CheckpointLoader;
import dev.pmcj.transformer.checkpoint.Checkpoints;
import dev.pmcj.transformer.inference.InferenceSession;
import dev.pmcj.transformer.inference.SamplingConfig;
import dev.pmcj.transformer.model.Decoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * stories260K decoding as the C reference times it: from BOS, 255 new tokens (a sequence of 256),
 * no EOS, either one greedy stream or {@code streams} streams sampled together.
 */
public final class Generation implements AutoCloseable {
    /** llama2.c's BOS id. */
    public static final int BOS = 1;
    public static final int NEW_TOKENS = 255;

    private final InferenceSession session;
    private final List<int[]> prompts;
    private final SamplingConfig sampling;

    public Generation(Decoder model, int streams, SamplingConfig sampling) {
        this.session = new InferenceSession(model, streams, NEW_TOKENS + 1);
        this.prompts = Collections.nCopies(streams, new int[] {BOS});
        this.sampling = sampling;
    }

    /** One greedy stream. */
    public static Generation greedy(Decoder model) {
        return new Generation(model, 1, SamplingConfig.greedy(NEW_TOKENS));
    }

    /** {@code streams} streams at temperature 1 with top-p 0.9. */
    public static Generation sampled(Decoder model, int streams) {
        return new Generation(model, streams, SamplingConfig.sampling(1f, 7L, NEW_TOKENS).withTopP(0.9f));
    }

    /** The stories260K checkpoint under {@code shared} (the repository's {@code ../shared}). */
    public static Path stories260k(Path shared) {
        return shared.resolve("data/models/stories260K/stories260K.bin");
    }

    public static Decoder load(Path checkpoint, Backend backend) throws IOException {
        if (!Files.isRegularFile(checkpoint)) throw new IOException("checkpoint not found: " + checkpoint);
        try (Checkpoint ckpt = CheckpointLoader.load(checkpoint)) {
            Decoder d = new Decoder(ckpt.config(), Decoder.newParameters(ckpt.config(), backend));
            Checkpoints.copyInto(ckpt, d.parameters());
            return d;
        }
    }

    /** Generates every stream once; returns the number of tokens generated. */
    public int run() {
        int tokens = 0;
        for (int[] ids : session.generate(prompts, sampling)) tokens += ids.length;
        return tokens;
    }

    @Override
    public void close() {
        session.close();
    }
}
