package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Tensor;

/** {@code y = alpha x + beta}; {@code dx += alpha dy}. */
public final class Affine {
    private Affine() {
    }

    public static Var apply(Tape t, Var x, float alpha, float beta) {
        Backend be = t.backend();
        Tensor y = t.allocateOutput(x.shape());
        be.affine(x.value().contiguous(), alpha, beta, y);
        Var out = t.output(y, x);
        if (t.needsGrad(x)) {
            t.record(out, () -> {
                if (out.grad() == null) return;
                Tensor scaled = t.allocateOutput(x.shape());
                be.affine(out.grad(), alpha, 0f, scaled);
                Grads.accumulate(t, x, scaled);
            });
        }
        return out;
    }
}
