package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;

/** Same numbers, new shape (a view of contiguous data); the gradient is dy viewed in x's shape (moved, not copied, where the tape allows). */
public final class Reshape {
    private Reshape() {
    }

    public static Var apply(Tape t, Var x, int... dims) {
        Var out = t.output(x.value().reshape(dims), x);
        if (t.needsGrad(x)) {
            t.record(out, () -> {
                if (out.grad() != null && !t.moveGradient(out, x)) Grads.accumulate(t, x, out.grad().reshape(x.shape().dims()));
            });
        }
        return out;
    }
}
