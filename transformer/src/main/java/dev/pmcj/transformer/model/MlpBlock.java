package dev.pmcj.transformer.model;

import dev.pmcj.autograd.Ops;
import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;

import static dev.pmcj.transformer.model.ParameterLayout.block;

/** Pre-norm feed-forward with its residual: GELU-tanh MLP (GPT-2) or SwiGLU (Llama). */
final class MlpBlock {
    private final ModelConfig c;
    private final int layer;

    MlpBlock(ModelConfig c, int layer) {
        this.c = c;
        this.layer = layer;
    }

    Var forward(Tape t, ParameterStore p, Var x) {
        Var h = Norm.apply(t, c, p, block(layer, "ln2"), x);
        Var out;
        if (c.family() == ModelConfig.Family.GPT2) {
            Var fc = Ops.linear(t, h, p.get(block(layer, "mlp.fc.weight")), p.get(block(layer, "mlp.fc.bias")));
            out = Ops.linear(t, Ops.geluTanh(t, fc), p.get(block(layer, "mlp.proj.weight")), p.get(block(layer, "mlp.proj.bias")));
        } else {
            Var gate = Ops.silu(t, Ops.linear(t, h, p.get(block(layer, "mlp.gate.weight")), null));
            Var up = Ops.linear(t, h, p.get(block(layer, "mlp.up.weight")), null);
            out = Ops.linear(t, Ops.mul(t, gate, up), p.get(block(layer, "mlp.down.weight")), null);
        }
        return Ops.add(t, x, out);
    }
}
