package dev.pmcj.transformer.model;

import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.tensor.Backend;

import java.util.List;
import java.util.SplittableRandom;

/** Small configs of each family and random (not GPT-2-small) weights, so outputs depend on every parameter. */
public final class TinyModels {
    private TinyModels() {
    }

    public static final ModelConfig GPT2 = ModelConfig.gpt2(2, 16, 2, 23, 16);
    /** Grouped KV heads (4 query heads over 2) and an untied head. */
    public static final ModelConfig LLAMA = ModelConfig.llama(2, 16, 24, 4, 2, 23, 16, false);
    public static final ModelConfig LLAMA_TIED = ModelConfig.llama(1, 8, 12, 2, 1, 19, 16, true);

    public static List<ModelConfig> all() {
        return List.of(GPT2, LLAMA, LLAMA_TIED);
    }

    /** A decoder whose weights are N(0, std), norm gains 1 + N(0, std/3), from {@code seed}. */
    public static Decoder random(ModelConfig c, Backend b, long seed, float std) {
        ParameterStore p = Decoder.newParameters(c, b);
        SplittableRandom rng = new SplittableRandom(seed);
        for (String name : p.names()) {
            float[] v = new float[p.shape(name).size()];
            boolean gain = name.endsWith(".weight") && (name.contains(".ln") || name.startsWith("ln_"));
            for (int i = 0; i < v.length; i++) v[i] = (float) ((gain ? 1 : 0) + rng.nextGaussian() * (gain ? std / 3 : std));
            b.fromHost(v, p.value(name));
        }
        return new Decoder(c, p);
    }
}
