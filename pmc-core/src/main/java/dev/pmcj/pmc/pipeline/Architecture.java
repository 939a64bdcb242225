package dev.pmcj.pmc.pipeline;

import dev.pmcj.transformer.model.ModelConfig;

/**
 * The shape of a model trained from scratch: a GPT-2 style decoder whose vocabulary is trained on the data.
 *
 * @param vocab   BPE vocabulary size asked of the trainer (the model gets the size actually reached)
 * @param layers  transformer blocks
 * @param dim     model width
 * @param heads   attention heads
 * @param context longest prompt + answer, in tokens
 */
public record Architecture(int vocab, int layers, int dim, int heads, int context) {
    public Architecture {
        if (vocab < 1 || layers < 1 || dim < 1 || heads < 1 || context < 2) {
            throw new IllegalArgumentException("architecture: vocab, layers, dim and heads must be >= 1 and context >= 2, got "
                    + vocab + ", " + layers + ", " + dim + ", " + heads + ", " + context);
        }
        if (dim % heads != 0) throw new IllegalArgumentException("architecture: dim " + dim + " is not a multiple of heads " + heads);
    }

    public ModelConfig config(int actualVocab) {
        return ModelConfig.gpt2(layers, dim, heads, actualVocab, context);
    }
}
