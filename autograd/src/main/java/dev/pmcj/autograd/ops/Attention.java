package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

import java.util.function.Supplier;

/**
 * Fused causal attention, q {@code [B, T, H, D]}, k and v {@code [B, S, KV, D]} (see
 * {@code Backend.attention}); saves the per-query log-sum-exp so the backward recomputes the
 * probabilities instead of storing them.
 */
public final class Attention {
    private Attention() {
    }

    public static Var apply(Tape t, Var q, Var k, Var v, int[] qPos) {
        Shape qs = q.shape();
        if (qs.rank() != 4) {
            throw new IllegalArgumentException("attention: q " + qs + " must be [B, T, H, D] (k " + k.shape()
                    + ", v " + v.shape() + ")");
        }
        Tensor[] qkv = {q.value().contiguous(), k.value().contiguous(), v.value().contiguous()};
        return run(t, qkv, qPos, () -> new Tensor[] {Grads.sink(t, q), Grads.sink(t, k), Grads.sink(t, v)}, q, k, v);
    }

    /**
     * Attention over one fused projection {@code qkv [B*T, (H + 2 KV) * D]}, each row q's heads,
     * then k's, then v's: q, k and v are views of its column blocks, and the backward adds their
     * gradients straight into qkv's, so that one product makes qkv and one product each gives its
     * dX and dW (three products for each where q, k and v were separate). Output {@code [B, T, H, D]}.
     */
    public static Var applyFused(Tape t, Var qkv, int batch, int seqLen, int heads, int kvHeads, int[] qPos) {
        Shape s = qkv.shape();
        int width = heads + 2 * kvHeads;
        if (s.rank() != 2 || s.at(0) != batch * seqLen || s.at(1) % width != 0) {
            throw new IllegalArgumentException("attention: qkv " + s + " must be [" + batch * seqLen + ", (" + heads
                    + " + 2 x " + kvHeads + ") heads x D] for " + batch + " streams of " + seqLen + " tokens");
        }
        int d = s.at(1) / width;
        Tensor[] views = split(qkv.value().contiguous(), batch, seqLen, heads, kvHeads, d);
        return run(t, views, qPos, () -> split(t.gradOf(qkv), batch, seqLen, heads, kvHeads, d), qkv);
    }

    /**
     * The forward on q, k and v ({@code qkv}), recording a backward that adds their gradients into
     * the tensors {@code gradients} gives when it runs; {@code inputs} are the Vars they come from.
     */
    private static Var run(Tape t, Tensor[] qkv, int[] qPos, Supplier<Tensor[]> gradients, Var... inputs) {
        Backend be = t.backend();
        int[] pos = qPos.clone(); // the caller may reuse its array before backward runs
        Shape qs = qkv[0].shape();
        Tensor y = t.allocateOutput(qs);
        Tensor lse = t.allocateOutput(Shape.of(qs.at(0), qs.at(2), qs.at(1)));
        be.attention(qkv[0], qkv[1], qkv[2], pos, y, lse);
        Var out = t.output(y, inputs);
        if (t.needsGrad(inputs)) {
            t.record(out, () -> {
                if (out.grad() == null) return;
                Tensor[] g = gradients.get();
                be.attentionBackward(qkv[0], qkv[1], qkv[2], pos, y, lse, out.grad(), g[0], g[1], g[2]);
            });
        }
        return out;
    }

    /** q, k and v as {@code [B, T, heads, D]} views of a fused projection's column blocks. */
    private static Tensor[] split(Tensor qkv, int batch, int seqLen, int heads, int kvHeads, int d) {
        Tensor rows = qkv.unflatten(0, batch, seqLen);
        int k0 = heads * d, v0 = k0 + kvHeads * d;
        return new Tensor[] {rows.slice(2, 0, k0).unflatten(2, heads, d),
                rows.slice(2, k0, v0).unflatten(2, kvHeads, d),
                rows.slice(2, v0, v0 + kvHeads * d).unflatten(2, kvHeads, d)};
    }
}
