package dev.pmcj.transformer.inference;

import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.transformer.model.ModelConfig;

import static dev.pmcj.transformer.model.ParameterLayout.block;

/**
 * One block's parameter views, looked up once per session. Fields a family lacks are null: biases
 * and Llama's SwiGLU {@code up}. GPT-2's fused qkv weight and bias are seen as their three row
 * blocks (contiguous views), as {@code model.AttentionBlock} uses them, so both families project
 * q, k and v the same way. {@code fc} is GPT-2's first MLP matrix or Llama's gate; {@code down} is
 * the MLP's output matrix.
 */
record LayerWeights(Tensor ln1, Tensor ln1Bias, Tensor q, Tensor qBias, Tensor k, Tensor kBias, Tensor v, Tensor vBias,
                    Tensor proj, Tensor projBias, Tensor ln2, Tensor ln2Bias,
                    Tensor fc, Tensor fcBias, Tensor up, Tensor down, Tensor downBias) {

    static LayerWeights of(ParameterStore p, ModelConfig c, int layer) {
        if (c.family() == ModelConfig.Family.GPT2) {
            Tensor qkv = get(p, layer, "attn.qkv.weight"), qkvBias = get(p, layer, "attn.qkv.bias");
            int d = c.dim();
            return new LayerWeights(get(p, layer, "ln1.weight"), get(p, layer, "ln1.bias"),
                    qkv.slice(0, 0, d), qkvBias.slice(0, 0, d), qkv.slice(0, d, 2 * d), qkvBias.slice(0, d, 2 * d),
                    qkv.slice(0, 2 * d, 3 * d), qkvBias.slice(0, 2 * d, 3 * d),
                    get(p, layer, "attn.proj.weight"), get(p, layer, "attn.proj.bias"),
                    get(p, layer, "ln2.weight"), get(p, layer, "ln2.bias"),
                    get(p, layer, "mlp.fc.weight"), get(p, layer, "mlp.fc.bias"), null,
                    get(p, layer, "mlp.proj.weight"), get(p, layer, "mlp.proj.bias"));
        }
        return new LayerWeights(get(p, layer, "ln1.weight"), null,
                get(p, layer, "attn.q.weight"), null, get(p, layer, "attn.k.weight"), null, get(p, layer, "attn.v.weight"), null,
                get(p, layer, "attn.proj.weight"), null, get(p, layer, "ln2.weight"), null,
                get(p, layer, "mlp.gate.weight"), null, get(p, layer, "mlp.up.weight"),
                get(p, layer, "mlp.down.weight"), null);
    }

    private static Tensor get(ParameterStore p, int layer, String rest) {
        return p.value(block(layer, rest));
    }
}
