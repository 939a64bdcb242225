package dev.pmcj.transformer.inference;

import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.transformer.model.ModelConfig;

import static dev.pmcj.transformer.model.ParameterLayout.block;

/**
 * One block's parameter views, looked up once per session. Fields a family lacks are null:
 * GPT-2 has the fused {@code qkv} and biases; Llama has {@code q, k, v} and the SwiGLU {@code up}.
 * {@code fc} is GPT-2's first MLP matrix or Llama's gate; {@code down} is the MLP's output matrix.
 */
record LayerWeights(Tensor ln1, Tensor ln1Bias, Tensor qkv, Tensor qkvBias, Tensor q, Tensor k, Tensor v,
                    Tensor proj, Tensor projBias, Tensor ln2, Tensor ln2Bias,
                    Tensor fc, Tensor fcBias, Tensor up, Tensor down, Tensor downBias) {

    static LayerWeights of(ParameterStore p, ModelConfig c, int layer) {
        if (c.family() == ModelConfig.Family.GPT2) {
            return new LayerWeights(get(p, layer, "ln1.weight"), get(p, layer, "ln1.bias"),
                    get(p, layer, "attn.qkv.weight"), get(p, layer, "attn.qkv.bias"), null, null, null,
                    get(p, layer, "attn.proj.weight"), get(p, layer, "attn.proj.bias"),
                    get(p, layer, "ln2.weight"), get(p, layer, "ln2.bias"),
                    get(p, layer, "mlp.fc.weight"), get(p, layer, "mlp.fc.bias"), null,
                    get(p, layer, "mlp.proj.weight"), get(p, layer, "mlp.proj.bias"));
        }
        return new LayerWeights(get(p, layer, "ln1.weight"), null, null, null,
                get(p, layer, "attn.q.weight"), get(p, layer, "attn.k.weight"), get(p, layer, "attn.v.weight"),
                get(p, layer, "attn.proj.weight"), null, get(p, layer, "ln2.weight"), null,
                get(p, layer, "mlp.gate.weight"), null, get(p, layer, "mlp.up.weight"),
                get(p, layer, "mlp.down.weight"), null);
    }

    private static Tensor get(ParameterStore p, int layer, String rest) {
        return p.value(block(layer, rest));
    }
}
