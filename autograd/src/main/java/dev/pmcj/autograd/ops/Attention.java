package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

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
        Backend be = t.backend();
        int[] pos = qPos.clone(); // the caller may reuse its array before backward runs
        Tensor qv = q.value().contiguous(), kv = k.value().contiguous(), vv = v.value().contiguous();
        Tensor y = t.allocateOutput(qs);
        Tensor lse = t.allocateOutput(Shape.of(qs.at(0), qs.at(2), qs.at(1)));
        be.attention(qv, kv, vv, pos, y, lse);
        Var out = t.output(y, q, k, v);
        if (t.needsGrad(q, k, v)) {
            t.record(out, () -> {
                if (out.grad() == null) return;
                be.attentionBackward(qv, kv, vv, pos, y, lse, out.grad(),
                        Grads.sink(t, q), Grads.sink(t, k), Grads.sink(t, v));
            });
        }
        return out;
    }
}
