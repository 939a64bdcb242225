package dev.pmcj.bench.workload;

import dev.pmcj.transformer.model.ModelConfig;

/**
 * The useful floating-point work of the benchmarked workloads, from the model's configuration, for
 * the fractions of the FMA peak that {@code bench/compare} prints. A multiply-add is two FLOPs; a
 * training step is three products per weight (forward, input gradient, weight gradient); attention
 * counts only the keys a causal query sees ({@code Q K^T} and {@code P V}: 4 FLOPs per head
 * dimension and key forward, twice that backward). Norms, activations, softmax and the optimizer
 * are left out, as in the usual 6 x parameters x tokens rule; the same count serves both sides of a
 * comparison.
 */
public final class Flops {
    private Flops() {
    }

    /** Weights a token meets in products: each block's projections and MLP, and the head (tied or not). */
    public static long productWeights(ModelConfig c) {
        long attention = 2L * c.dim() * c.dim() + 2L * c.dim() * c.kvDim();
        long mlp = (c.family() == ModelConfig.Family.GPT2 ? 2L : 3L) * c.dim() * c.hiddenDim();
        return c.layers() * (attention + mlp) + (long) c.vocab() * c.dim();
    }

    /** One training step over {@code batch} sequences of {@code seqLen} tokens, each from position 0. */
    public static double trainingStep(ModelConfig c, int batch, int seqLen) {
        return 6.0 * productWeights(c) * batch * seqLen + 3 * attentionPerKey(c) * batch * keysSeen(0, seqLen);
    }

    /** One stream's tokens at positions {@code [from, to)} through a KV cache, one at a time. */
    public static double decoding(ModelConfig c, int from, int to) {
        return 2.0 * productWeights(c) * (to - from) + attentionPerKey(c) * keysSeen(from, to);
    }

    /** Forward attention's FLOPs per key a query sees, over all layers and heads. */
    private static double attentionPerKey(ModelConfig c) {
        return 4.0 * c.layers() * c.heads() * c.headDim();
    }

    /** The keys seen by causal queries at positions {@code [from, to)}: the sum of {@code p + 1}. */
    private static double keysSeen(int from, int to) {
        return ((double) to * (to + 1) - (double) from * (from + 1)) / 2;
    }
}
