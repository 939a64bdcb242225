package dev.pmcj.transformer.model;

import dev.pmcj.tensor.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * The model's own parameter names and shapes, in storage order. Linear weights are {@code [out, in]}
 * (PyTorch's layout); Llama's q/k rows are in the interleaved rotary order of Meta and llama2.c
 * (Hugging Face files are permuted on load and save). Checkpoint formats map their names onto these.
 */
public final class ParameterLayout {
    private ParameterLayout() {
    }

    public record Entry(String name, Shape shape) {
    }

    public static String block(int layer, String rest) {
        return "blocks." + layer + "." + rest;
    }

    public static List<Entry> of(ModelConfig c) {
        List<Entry> out = new ArrayList<>();
        int d = c.dim(), h = c.hiddenDim();
        out.add(new Entry("tok_emb.weight", Shape.of(c.vocab(), d)));
        boolean gpt2 = c.family() == ModelConfig.Family.GPT2;
        if (gpt2) out.add(new Entry("pos_emb.weight", Shape.of(c.context(), d)));
        for (int i = 0; i < c.layers(); i++) {
            out.add(new Entry(block(i, "ln1.weight"), Shape.of(d)));
            if (gpt2) {
                out.add(new Entry(block(i, "ln1.bias"), Shape.of(d)));
                out.add(new Entry(block(i, "attn.qkv.weight"), Shape.of(3 * d, d)));
                out.add(new Entry(block(i, "attn.qkv.bias"), Shape.of(3 * d)));
                out.add(new Entry(block(i, "attn.proj.weight"), Shape.of(d, d)));
                out.add(new Entry(block(i, "attn.proj.bias"), Shape.of(d)));
                out.add(new Entry(block(i, "ln2.weight"), Shape.of(d)));
                out.add(new Entry(block(i, "ln2.bias"), Shape.of(d)));
                out.add(new Entry(block(i, "mlp.fc.weight"), Shape.of(h, d)));
                out.add(new Entry(block(i, "mlp.fc.bias"), Shape.of(h)));
                out.add(new Entry(block(i, "mlp.proj.weight"), Shape.of(d, h)));
                out.add(new Entry(block(i, "mlp.proj.bias"), Shape.of(d)));
            } else {
                out.add(new Entry(block(i, "attn.q.weight"), Shape.of(d, d)));
                out.add(new Entry(block(i, "attn.k.weight"), Shape.of(c.kvDim(), d)));
                out.add(new Entry(block(i, "attn.v.weight"), Shape.of(c.kvDim(), d)));
                out.add(new Entry(block(i, "attn.proj.weight"), Shape.of(d, d)));
                out.add(new Entry(block(i, "ln2.weight"), Shape.of(d)));
                out.add(new Entry(block(i, "mlp.gate.weight"), Shape.of(h, d)));
                out.add(new Entry(block(i, "mlp.up.weight"), Shape.of(h, d)));
                out.add(new Entry(block(i, "mlp.down.weight"), Shape.of(d, h)));
            }
        }
        out.add(new Entry("ln_f.weight", Shape.of(d)));
        if (gpt2) out.add(new Entry("ln_f.bias", Shape.of(d)));
        if (!c.tiedHead()) out.add(new Entry("head.weight", Shape.of(c.vocab(), d)));
        return out;
    }
}
