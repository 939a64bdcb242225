package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Tensor;

/** The same values in dense row-major layout (a copy only when x is a strided view); identity gradient. */
public final class Contiguous {
    private Contiguous() {
    }

    public static Var apply(Tape t, Var x) {
        Tensor xv = x.value();
        if (xv.isContiguous()) return x;
        Tensor dense = t.allocateOutput(xv.shape()); // staged through the tape, which may reuse a buffer
        t.backend().copy(xv, dense);
        Var out = t.output(dense, x);
        if (t.needsGrad(x)) {
            t.record(out, () -> {
                if (out.grad() != null) Grads.accumulate(t, x, out.grad());
            });
        }
        return out;
    }
}
