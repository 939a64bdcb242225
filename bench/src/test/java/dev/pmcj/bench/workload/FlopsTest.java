package dev.pmcj.bench.workload;

import dev.pmcj.transformer.model.ModelConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The FLOP counts against sums written out by hand for small shapes, and GPT-2 124M's known size. */
class FlopsTest {
    @Test
    void gpt2SmallestCountsEveryProductAndKeyByHand() {
        // 1 layer, width 4, 2 heads of 2, vocabulary 5, MLP 16: q, k, v, proj 4 x 16, fc and fc_proj 2 x 64, head 20.
        ModelConfig c = ModelConfig.gpt2(1, 4, 2, 5, 8);
        assertEquals(64 + 128 + 20, Flops.productWeights(c));
        // 2 sequences of 3 tokens: 6 x 212 x 6 for the products; keys seen 1 + 2 + 3 = 6 a sequence,
        // 4 x 2 heads x 2 dims = 16 FLOPs a key forward, three times that with the backward.
        assertEquals(6.0 * 212 * 6 + 3 * 16 * 2 * 6, Flops.trainingStep(c, 2, 3));
        // Positions 2 and 3: 2 x 212 FLOPs each, and 3 + 4 keys.
        assertEquals(2.0 * 212 * 2 + 16 * 7, Flops.decoding(c, 2, 4));
    }

    @Test
    void llamaCountsGroupedKeysAndThreeMlpMatrices() {
        ModelConfig c = new ModelConfig(ModelConfig.Family.LLAMA, 2, 8, 12, 4, 2, 10, 16, 1e-5f, 10000f, false);
        // Per layer q and o 64 each, k and v 8 x 4 = 32 each, MLP 3 x 96; head 80.
        assertEquals(2 * (128 + 64 + 288) + 80, Flops.productWeights(c));
    }

    @Test
    void gpt2124mStepIs190Point7Gflop() {
        ModelConfig c = ModelConfig.gpt2(12, 768, 12, 50257, 1024);
        assertEquals(123_532_032L, Flops.productWeights(c)); // 85.0 M in the blocks + 38.6 M in the tied head
        // 4 sequences of 64: 2,080 keys seen each; 12 layers of 12 heads of 64.
        assertEquals(6.0 * 123_532_032L * 256 + 3 * 4.0 * 12 * 768 * 4 * 2080, Flops.trainingStep(c, 4, 64), 1);
    }
}
