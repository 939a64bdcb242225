package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Shape;

/** A stride-0 view repeating x to a larger shape; the gradient sums the repeats back ({@code sumTo}). */
public final class BroadcastTo {
    private BroadcastTo() {
    }

    public static Var apply(Tape t, Var x, Shape shape) {
        Var out = t.output(x.value().broadcastTo(shape), x);
        if (t.needsGrad(x)) {
            t.record(out, () -> {
                if (out.grad() != null) t.backend().sumTo(out.grad(), t.gradOf(x), true);
            });
        }
        return out;
    }

    /** The numpy broadcast of two shapes (trailing axes aligned), or an exception naming {@code op}. */
    static Shape shapeOf(String op, Shape a, Shape b) {
        int r = Math.max(a.rank(), b.rank());
        int[] dims = new int[r];
        for (int i = 1; i <= r; i++) {
            int da = i <= a.rank() ? a.at(a.rank() - i) : 1, db = i <= b.rank() ? b.at(b.rank() - i) : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": a " + a + " and b " + b + " do not broadcast");
            }
            dims[r - i] = da == 1 ? db : da;
        }
        return Shape.of(dims);
    }
}
