package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;

/** The same values in dense row-major layout (a copy only when x is a strided view); identity gradient. */
public final class Contiguous {
    private Contiguous() {
    }

    public static Var apply(Tape t, Var x) {
        Var out = t.output(x.value().contiguous(), x);
        if (t.needsGrad(x)) {
            t.record(() -> {
                if (out.grad() != null) Grads.accumulate(t, x, out.grad());
            });
        }
        return out;
    }
}
