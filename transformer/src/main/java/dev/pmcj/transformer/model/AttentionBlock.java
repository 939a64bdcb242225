package dev.pmcj.transformer.model;

import dev.pmcj.autograd.Ops;
import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;

import static dev.pmcj.transformer.model.ParameterLayout.block;

/** Pre-norm causal self-attention with its residual: {@code x + proj(attention(norm(x)))}. */
final class AttentionBlock {
    private final ModelConfig c;
    private final int layer;

    AttentionBlock(ModelConfig c, int layer) {
        this.c = c;
        this.layer = layer;
    }

    /** x {@code [batch*seqLen, dim]}; row n sits at position {@code positions[n]}. */
    Var forward(Tape t, ParameterStore p, Var x, int batch, int seqLen, int[] positions) {
        Var h = Norm.apply(t, c, p, block(layer, "ln1"), x);
        Var q, k, v;
        if (c.family() == ModelConfig.Family.GPT2) {
            // The fused [3*dim, dim] weight as three row blocks (contiguous views): three products give
            // q, k and v dense, where slicing one [N, 3*dim] product's columns cost a strided copy
            // forward and a staged, strided add backward for each of the three.
            Var w = p.get(block(layer, "attn.qkv.weight")), b = p.get(block(layer, "attn.qkv.bias"));
            q = heads(t, third(t, h, w, b, 0), batch, seqLen, c.heads());
            k = heads(t, third(t, h, w, b, 1), batch, seqLen, c.kvHeads());
            v = heads(t, third(t, h, w, b, 2), batch, seqLen, c.kvHeads());
        } else {
            q = rotate(t, Ops.linear(t, h, p.get(block(layer, "attn.q.weight")), null), batch, seqLen, c.heads(), positions);
            k = rotate(t, Ops.linear(t, h, p.get(block(layer, "attn.k.weight")), null), batch, seqLen, c.kvHeads(), positions);
            v = heads(t, Ops.linear(t, h, p.get(block(layer, "attn.v.weight")), null), batch, seqLen, c.kvHeads());
        }
        Var attended = Ops.reshape(t, Ops.attention(t, q, k, v, positions), batch * seqLen, c.dim());
        Var bias = c.family() == ModelConfig.Family.GPT2 ? p.get(block(layer, "attn.proj.bias")) : null;
        return Ops.add(t, x, Ops.linear(t, attended, p.get(block(layer, "attn.proj.weight")), bias));
    }

    /** {@code h W_i^T + b_i} for row block {@code i} of the fused qkv projection. */
    private Var third(Tape t, Var h, Var w, Var b, int i) {
        int d = c.dim();
        return Ops.linear(t, h, Ops.slice(t, w, 0, i * d, (i + 1) * d), Ops.slice(t, b, 0, i * d, (i + 1) * d));
    }

    /** {@code [N, n*D]} as {@code [batch, seqLen, n, D]}. */
    private Var heads(Tape t, Var x, int batch, int seqLen, int n) {
        return Ops.reshape(t, Ops.contiguous(t, x), batch, seqLen, n, c.headDim());
    }

    private Var rotate(Tape t, Var x, int batch, int seqLen, int n, int[] positions) {
        Var rows = Ops.reshape(t, x, batch * seqLen, n, c.headDim());
        return Ops.reshape(t, Ops.rope(t, rows, positions, c.ropeTheta()), batch, seqLen, n, c.headDim());
    }
}
