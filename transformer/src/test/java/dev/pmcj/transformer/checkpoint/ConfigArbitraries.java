package dev.pmcj.transformer.checkpoint;

import dev.pmcj.transformer.model.ModelConfig;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Small random model configs of both families for round-trip properties. */
final class ConfigArbitraries {
    private ConfigArbitraries() {
    }

    static Arbitrary<ModelConfig> llama() {
        return Combinators.combine(Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 20),
                        Arbitraries.integers().between(1, 30), Arbitraries.integers().between(1, 9), Arbitraries.of(true, false))
                .as((layers, kv, group, halfHead, hidden, vocab, context, tied) -> {
                    int heads = kv * group;
                    return new ModelConfig(ModelConfig.Family.LLAMA, layers, heads * 2 * halfHead, hidden, heads, kv, vocab,
                            context, 1e-5f, 10000f, tied);
                });
    }

    static Arbitrary<ModelConfig> gpt2() {
        return Combinators.combine(Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 20),
                        Arbitraries.integers().between(1, 30), Arbitraries.integers().between(1, 9), Arbitraries.of(true, false))
                .as((layers, heads, head, hidden, vocab, context, tied) -> new ModelConfig(ModelConfig.Family.GPT2, layers,
                        heads * head, hidden, heads, heads, vocab, context, 1e-5f, 0f, tied));
    }
}
