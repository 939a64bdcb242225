package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;

/** Swaps two axes (a strided view); the gradient is dy with the same two axes swapped back. */
public final class Transpose {
    private Transpose() {
    }

    public static Var apply(Tape t, Var x, int a, int b) {
        Var out = t.output(x.value().transpose(a, b), x);
        if (t.needsGrad(x)) {
            t.record(out, () -> {
                if (out.grad() != null) Grads.accumulate(t, x, out.grad().transpose(a, b));
            });
        }
        return out;
    }
}
