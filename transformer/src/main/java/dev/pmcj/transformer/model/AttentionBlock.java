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
        Var attended;
        if (c.family() == ModelConfig.Family.GPT2) {
            // One product with the fused [3*dim, dim] weight; attention reads q, k and v as column
            // blocks of its rows and adds their gradients back into them, so the backward is one dX
            // and one dW product too. (Three row blocks of the weight gave three products each way;
            // slicing the columns through Slice cost strided copies forward and staged adds back.)
            Var qkv = Ops.linear(t, h, p.get(block(layer, "attn.qkv.weight")), p.get(block(layer, "attn.qkv.bias")));
            attended = Ops.attention(t, qkv, batch, seqLen, c.heads(), c.kvHeads(), positions);
        } else {
            Var q = rotate(t, Ops.linear(t, h, p.get(block(layer, "attn.q.weight")), null), batch, seqLen, c.heads(), positions);
            Var k = rotate(t, Ops.linear(t, h, p.get(block(layer, "attn.k.weight")), null), batch, seqLen, c.kvHeads(), positions);
            Var v = heads(t, Ops.linear(t, h, p.get(block(layer, "attn.v.weight")), null), batch, seqLen, c.kvHeads());
            attended = Ops.attention(t, q, k, v, positions);
        }
        attended = Ops.reshape(t, attended, batch * seqLen, c.dim());
        Var bias = c.family() == ModelConfig.Family.GPT2 ? p.get(block(layer, "attn.proj.bias")) : null;
        return Ops.add(t, x, Ops.linear(t, attended, p.get(block(layer, "attn.proj.weight")), bias));
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
