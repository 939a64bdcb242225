package dev.pmcj.transformer.model;

/**
 * The shape of a decoder. One record covers both families:
 * GPT-2 (learned positions, LayerNorm, GELU-tanh MLP, biases everywhere) and
 * Llama (rotary positions, RMSNorm, SwiGLU MLP, no biases, grouped KV heads).
 *
 * @param hiddenDim MLP width (GPT-2: usually 4*dim; Llama: the SwiGLU width)
 * @param kvHeads   KV heads (equal to heads when there is no grouping)
 * @param normEps   LayerNorm / RMSNorm epsilon
 * @param ropeTheta rotary base (Llama); ignored for GPT-2
 * @param tiedHead  whether the output head shares the token embedding
 */
public record ModelConfig(Family family, int layers, int dim, int hiddenDim, int heads, int kvHeads,
                          int vocab, int context, float normEps, float ropeTheta, boolean tiedHead) {

    public enum Family { GPT2, LLAMA }

    public ModelConfig {
        require(layers > 0, "layers must be positive, got " + layers);
        require(dim > 0 && heads > 0 && dim % heads == 0, "dim " + dim + " must be a positive multiple of heads " + heads);
        require(kvHeads > 0 && heads % kvHeads == 0, "heads " + heads + " must be a multiple of kvHeads " + kvHeads);
        require(hiddenDim > 0, "hiddenDim must be positive, got " + hiddenDim);
        require(vocab > 0, "vocab must be positive, got " + vocab);
        require(context > 0, "context must be positive, got " + context);
        require(family == Family.GPT2 || (dim / heads) % 2 == 0, "rotary head size must be even, got " + dim / heads);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("ModelConfig: " + message);
    }

    public int headDim() {
        return dim / heads;
    }

    public int kvDim() {
        return kvHeads * headDim();
    }

    /** A GPT-2 style config: MLP 4x, LayerNorm eps 1e-5, tied head. */
    public static ModelConfig gpt2(int layers, int dim, int heads, int vocab, int context) {
        return new ModelConfig(Family.GPT2, layers, dim, 4 * dim, heads, heads, vocab, context, 1e-5f, 0f, true);
    }

    /** A Llama style config with RMSNorm eps 1e-5 and rotary theta 10000. */
    public static ModelConfig llama(int layers, int dim, int hiddenDim, int heads, int kvHeads, int vocab,
                                    int context, boolean tiedHead) {
        return new ModelConfig(Family.LLAMA, layers, dim, hiddenDim, heads, kvHeads, vocab, context, 1e-5f, 10000f, tiedHead);
    }
}
