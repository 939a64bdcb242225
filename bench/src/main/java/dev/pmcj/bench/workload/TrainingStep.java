package dev.pmcj.bench.workload;

import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.autograd.optim.AdamW;
import dev.pmcj.autograd.optim.Schedule;
import dev.pmcj.tensor.Backend;
import dev.pmcj.transformer.model.Batch;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.train.Trainer;

import java.util.SplittableRandom;

/**
 * One whole training step of a GPT-2 family model as the PyTorch anchor times it: forward, mean
 * cross-entropy, backward, AdamW (lr 3e-4, weight decay 0.1), on a fixed batch of random tokens.
 */
public final class TrainingStep {
    private final Trainer trainer;
    private final Batch batch;

    public TrainingStep(Backend backend, ModelConfig config, int batchSize, int seqLen, long seed) {
        ParameterStore params = Decoder.newParameters(config, backend);
        Decoder model = new Decoder(config, params);
        model.initialize(seed);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        int n = batchSize * seqLen;
        int[] tokens = new int[n], targets = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = rng.nextInt(config.vocab());
            targets[i] = rng.nextInt(config.vocab());
        }
        this.batch = new Batch(tokens, targets, batchSize, seqLen);
        this.trainer = new Trainer(model, AdamW.withWeightDecay(0.1f), new Schedule.Constant(3e-4f));
    }

    /** The anchor's {@code --config small}: 4 layers, width 256, 4 heads, vocabulary 512, sequence 128. */
    public static ModelConfig small() {
        return ModelConfig.gpt2(4, 256, 4, 512, 128);
    }

    /** {@code pmc demo}'s model (2 layers, 128, 4 heads, its 1,024-token vocabulary, context 96); its fine-tuning batches are 32 rows of about 36 tokens. */
    public static ModelConfig demo() {
        return ModelConfig.gpt2(2, 128, 4, 1024, 96);
    }

    /** The anchor's {@code --config gpt2}: GPT-2 124M (12 layers, 768, 12 heads, vocabulary 50,257). */
    public static ModelConfig gpt2() {
        return ModelConfig.gpt2(12, 768, 12, 50257, 1024);
    }

    /** Runs one step; returns the loss so the work stays live. */
    public float run() {
        return trainer.microStep(t -> trainer.model().meanLoss(t, batch, 0f));
    }

    public int tokens() {
        return batch.batch() * batch.seqLen();
    }
}
