package dev.pmcj.autograd;

import dev.pmcj.autograd.ops.Affine;
import dev.pmcj.autograd.ops.Attention;
import dev.pmcj.autograd.ops.Binary;
import dev.pmcj.autograd.ops.BroadcastTo;
import dev.pmcj.autograd.ops.Concat;
import dev.pmcj.autograd.ops.Contiguous;
import dev.pmcj.autograd.ops.CrossEntropy;
import dev.pmcj.autograd.ops.Embedding;
import dev.pmcj.autograd.ops.LayerNorm;
import dev.pmcj.autograd.ops.Linear;
import dev.pmcj.autograd.ops.LogSigmoid;
import dev.pmcj.autograd.ops.MatMul;
import dev.pmcj.autograd.ops.Reduce;
import dev.pmcj.autograd.ops.Reshape;
import dev.pmcj.autograd.ops.RmsNorm;
import dev.pmcj.autograd.ops.Rope;
import dev.pmcj.autograd.ops.Slice;
import dev.pmcj.autograd.ops.Softmax;
import dev.pmcj.autograd.ops.Transpose;
import dev.pmcj.autograd.ops.Unary;
import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.ReduceOp;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.UnaryOp;

/**
 * The differentiable operations, one static method each. Every op computes its forward with backend
 * primitives and records its backward on the tape; each op's forward and backward live side by side
 * in one class of {@code dev.pmcj.autograd.ops}, and this facade only forwards to them.
 */
public final class Ops {
    private Ops() {
    }

    // linear algebra
    public static Var matmul(Tape t, Var a, boolean transA, Var b, boolean transB) { return MatMul.apply(t, a, transA, b, transB); }

    /** x {@code [..., in]} times weight {@code [out, in]} transposed, plus optional bias {@code [out]}. */
    public static Var linear(Tape t, Var x, Var weight, Var bias) { return Linear.apply(t, x, weight, bias); }

    // element-wise, broadcasting
    public static Var add(Tape t, Var a, Var b) { return Binary.apply(t, BinaryOp.ADD, a, b); }
    public static Var sub(Tape t, Var a, Var b) { return Binary.apply(t, BinaryOp.SUB, a, b); }
    public static Var mul(Tape t, Var a, Var b) { return Binary.apply(t, BinaryOp.MUL, a, b); }
    public static Var div(Tape t, Var a, Var b) { return Binary.apply(t, BinaryOp.DIV, a, b); }
    /** {@code alpha * x + beta}. */
    public static Var affine(Tape t, Var x, float alpha, float beta) { return Affine.apply(t, x, alpha, beta); }
    /** {@code alpha * x}. */
    public static Var scale(Tape t, Var x, float alpha) { return Affine.apply(t, x, alpha, 0f); }
    /** Any element-wise function the backend knows (e.g. {@code RECIPROCAL}, {@code ABS}). */
    public static Var unary(Tape t, UnaryOp op, Var x) { return Unary.apply(t, op, x); }
    public static Var neg(Tape t, Var x) { return Unary.apply(t, UnaryOp.NEG, x); }
    public static Var exp(Tape t, Var x) { return Unary.apply(t, UnaryOp.EXP, x); }
    public static Var log(Tape t, Var x) { return Unary.apply(t, UnaryOp.LOG, x); }
    public static Var tanh(Tape t, Var x) { return Unary.apply(t, UnaryOp.TANH, x); }
    public static Var sigmoid(Tape t, Var x) { return Unary.apply(t, UnaryOp.SIGMOID, x); }
    public static Var softplus(Tape t, Var x) { return Unary.apply(t, UnaryOp.SOFTPLUS, x); }
    /** {@code log(sigmoid(x)) = -softplus(-x)}, stable for large |x|. */
    public static Var logSigmoid(Tape t, Var x) { return LogSigmoid.apply(t, x); }
    public static Var relu(Tape t, Var x) { return Unary.apply(t, UnaryOp.RELU, x); }
    public static Var silu(Tape t, Var x) { return Unary.apply(t, UnaryOp.SILU, x); }
    public static Var gelu(Tape t, Var x) { return Unary.apply(t, UnaryOp.GELU, x); }
    public static Var geluTanh(Tape t, Var x) { return Unary.apply(t, UnaryOp.GELU_TANH, x); }
    public static Var square(Tape t, Var x) { return Unary.apply(t, UnaryOp.SQUARE, x); }
    public static Var sqrt(Tape t, Var x) { return Unary.apply(t, UnaryOp.SQRT, x); }

    // reductions (the reduced axis is kept with extent 1)
    public static Var sum(Tape t, Var x, int axis) { return Reduce.apply(t, ReduceOp.SUM, x, axis); }
    public static Var mean(Tape t, Var x, int axis) { return Reduce.apply(t, ReduceOp.MEAN, x, axis); }
    public static Var max(Tape t, Var x, int axis) { return Reduce.apply(t, ReduceOp.MAX, x, axis); }
    /** Sum of every element, as a one-element tensor of shape {@code [1]}. */
    public static Var sumAll(Tape t, Var x) { return Reduce.all(t, ReduceOp.SUM, x); }
    public static Var meanAll(Tape t, Var x) { return Reduce.all(t, ReduceOp.MEAN, x); }

    // last-axis kernels
    public static Var softmax(Tape t, Var x) { return Softmax.apply(t, x); }
    public static Var logSoftmax(Tape t, Var x) { return Softmax.log(t, x); }
    /** {@code beta} may be null. */
    public static Var layerNorm(Tape t, Var x, Var gamma, Var beta, float eps) { return LayerNorm.apply(t, x, gamma, beta, eps); }
    public static Var rmsNorm(Tape t, Var x, Var gamma, float eps) { return RmsNorm.apply(t, x, gamma, eps); }

    // transformer kernels
    /** x {@code [N, H, D]}, row n at {@code positions[n]}. */
    public static Var rope(Tape t, Var x, int[] positions, float theta) { return Rope.apply(t, x, positions, theta); }
    /** q {@code [B, T, H, D]}, k and v {@code [B, S, KV, D]}; see {@code Backend.attention}. */
    public static Var attention(Tape t, Var q, Var k, Var v, int[] qPos) { return Attention.apply(t, q, k, v, qPos); }
    /** {@link #attention} with q, k and v read from one fused projection {@code [B*T, (H + 2 KV) * D]}; output {@code [B, T, H, D]}. */
    public static Var attention(Tape t, Var qkv, int batch, int seqLen, int heads, int kvHeads, int[] qPos) {
        return Attention.applyFused(t, qkv, batch, seqLen, heads, kvHeads, qPos);
    }
    /** Rows of table {@code [V, D]} for ids; output {@code [ids.length, D]}. */
    public static Var embedding(Tape t, Var table, int[] ids) { return Embedding.apply(t, table, ids); }
    /** Per-row losses {@code [N]} of logits {@code [N, V]}; negative targets are ignored (loss 0). */
    public static Var crossEntropy(Tape t, Var logits, int[] targets, float smoothing) { return CrossEntropy.apply(t, logits, targets, smoothing); }

    // views (gradients flow through them)
    public static Var reshape(Tape t, Var x, int... dims) { return Reshape.apply(t, x, dims); }
    public static Var transpose(Tape t, Var x, int a, int b) { return Transpose.apply(t, x, a, b); }
    public static Var slice(Tape t, Var x, int axis, int start, int end) { return Slice.apply(t, x, axis, start, end); }
    public static Var contiguous(Tape t, Var x) { return Contiguous.apply(t, x); }
    /** Joins tensors along an axis (e.g. q, k, v heads). */
    public static Var concat(Tape t, int axis, Var... parts) { return Concat.apply(t, axis, parts); }
    public static Var broadcastTo(Tape t, Var x, Shape shape) { return BroadcastTo.apply(t, x, shape); }
}
