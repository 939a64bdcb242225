package dev.pmcj.transformer.model;

import dev.pmcj.autograd.Ops;
import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;

/** The family's normalisation over the last axis: LayerNorm with bias (GPT-2) or RMSNorm (Llama). */
final class Norm {
    private Norm() {
    }

    /** {@code prefix} names the norm's parameters without suffix, e.g. {@code blocks.0.ln1}. */
    static Var apply(Tape t, ModelConfig c, ParameterStore p, String prefix, Var x) {
        Var gamma = p.get(prefix + ".weight");
        return c.family() == ModelConfig.Family.GPT2
                ? Ops.layerNorm(t, x, gamma, p.get(prefix + ".bias"), c.normEps())
                : Ops.rmsNorm(t, x, gamma, c.normEps());
    }
}
