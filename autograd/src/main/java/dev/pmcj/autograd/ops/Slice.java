package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Tensor;

/** Elements {@code [start, end)} along one axis (a view); the gradient lands in that slice of dx. */
public final class Slice {
    private Slice() {
    }

    public static Var apply(Tape t, Var x, int axis, int start, int end) {
        int ax = x.shape().axis(axis);
        Var out = t.output(x.value().slice(ax, start, end), x);
        if (t.needsGrad(x)) {
            t.record(out, () -> {
                if (out.grad() != null) {
                    SliceAdd.into(t, t.gradOf(x), ax, new int[] {start}, new Tensor[] {out.grad()});
                }
            });
        }
        return out;
    }
}
