package dev.pmcj.autograd;

import dev.pmcj.tensor.Shape;

/**
 * The differentiable operations, one static method each. Every op computes its forward with backend
 * primitives and records its backward on the tape; each op's forward and backward live side by side
 * in one class of {@code dev.pmcj.autograd.ops}, and this facade only forwards to them.
 */
public final class Ops {
    private Ops() {
    }

    private static UnsupportedOperationException todo() {
        return new UnsupportedOperationException("not implemented yet (issue 2)");
    }

    // linear algebra
    public static Var matmul(Tape t, Var a, boolean transA, Var b, boolean transB) { throw todo(); }

    /** x {@code [..., in]} times weight {@code [out, in]} transposed, plus optional bias {@code [out]}. */
    public static Var linear(Tape t, Var x, Var weight, Var bias) { throw todo(); }

    // element-wise, broadcasting
    public static Var add(Tape t, Var a, Var b) { throw todo(); }
    public static Var sub(Tape t, Var a, Var b) { throw todo(); }
    public static Var mul(Tape t, Var a, Var b) { throw todo(); }
    public static Var div(Tape t, Var a, Var b) { throw todo(); }
    /** {@code alpha * x + beta}. */
    public static Var affine(Tape t, Var x, float alpha, float beta) { throw todo(); }
    public static Var neg(Tape t, Var x) { throw todo(); }
    public static Var exp(Tape t, Var x) { throw todo(); }
    public static Var log(Tape t, Var x) { throw todo(); }
    public static Var tanh(Tape t, Var x) { throw todo(); }
    public static Var sigmoid(Tape t, Var x) { throw todo(); }
    public static Var softplus(Tape t, Var x) { throw todo(); }
    /** {@code log(sigmoid(x)) = -softplus(-x)}, stable for large |x|. */
    public static Var logSigmoid(Tape t, Var x) { throw todo(); }
    public static Var relu(Tape t, Var x) { throw todo(); }
    public static Var silu(Tape t, Var x) { throw todo(); }
    public static Var gelu(Tape t, Var x) { throw todo(); }
    public static Var geluTanh(Tape t, Var x) { throw todo(); }
    public static Var square(Tape t, Var x) { throw todo(); }
    public static Var sqrt(Tape t, Var x) { throw todo(); }

    // reductions (the reduced axis is kept with extent 1)
    public static Var sum(Tape t, Var x, int axis) { throw todo(); }
    public static Var mean(Tape t, Var x, int axis) { throw todo(); }
    public static Var max(Tape t, Var x, int axis) { throw todo(); }
    /** Sum of every element, as a one-element tensor of shape {@code [1]}. */
    public static Var sumAll(Tape t, Var x) { throw todo(); }
    public static Var meanAll(Tape t, Var x) { throw todo(); }

    // last-axis kernels
    public static Var softmax(Tape t, Var x) { throw todo(); }
    public static Var logSoftmax(Tape t, Var x) { throw todo(); }
    /** {@code beta} may be null. */
    public static Var layerNorm(Tape t, Var x, Var gamma, Var beta, float eps) { throw todo(); }
    public static Var rmsNorm(Tape t, Var x, Var gamma, float eps) { throw todo(); }

    // transformer kernels
    /** x {@code [N, H, D]}, row n at {@code positions[n]}. */
    public static Var rope(Tape t, Var x, int[] positions, float theta) { throw todo(); }
    /** q {@code [B, T, H, D]}, k and v {@code [B, S, KV, D]}; see {@code Backend.attention}. */
    public static Var attention(Tape t, Var q, Var k, Var v, int[] qPos) { throw todo(); }
    /** Rows of table {@code [V, D]} for ids; output {@code [ids.length, D]}. */
    public static Var embedding(Tape t, Var table, int[] ids) { throw todo(); }
    /** Per-row losses {@code [N]} of logits {@code [N, V]}; negative targets are ignored (loss 0). */
    public static Var crossEntropy(Tape t, Var logits, int[] targets, float smoothing) { throw todo(); }

    // views (gradients flow through them)
    public static Var reshape(Tape t, Var x, int... dims) { throw todo(); }
    public static Var transpose(Tape t, Var x, int a, int b) { throw todo(); }
    public static Var slice(Tape t, Var x, int axis, int start, int end) { throw todo(); }
    public static Var contiguous(Tape t, Var x) { throw todo(); }
    /** Joins tensors along an axis (e.g. q, k, v heads). */
    public static Var concat(Tape t, int axis, Var... parts) { throw todo(); }
    public static Var broadcastTo(Tape t, Var x, Shape shape) { throw todo(); }
}
