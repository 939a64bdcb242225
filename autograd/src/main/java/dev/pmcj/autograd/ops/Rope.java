package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Tensor;

/** Rotary embedding of x {@code [N, H, D]}; a rotation, so the backward rotates dy back. */
public final class Rope {
    private Rope() {
    }

    public static Var apply(Tape t, Var x, int[] positions, float theta) {
        Backend be = t.backend();
        int[] pos = positions.clone(); // the caller may reuse its array before backward runs
        Tensor y = t.allocateOutput(x.shape());
        be.rope(x.value().contiguous(), pos, theta, y);
        Var out = t.output(y, x);
        if (t.needsGrad(x)) {
            t.record(out, () -> {
                if (out.grad() != null) be.ropeBackward(out.grad(), pos, theta, t.gradOf(x));
            });
        }
        return out;
    }
}
