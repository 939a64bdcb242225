package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

/** Joins parts along one axis; each part's gradient is its slice of dy. */
public final class Concat {
    private Concat() {
    }

    public static Var apply(Tape t, int axis, Var... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: no parts");
        Shape first = parts[0].shape();
        int ax = first.axis(axis);
        int[] starts = new int[parts.length];
        Tensor[] values = new Tensor[parts.length];
        int total = 0;
        for (int i = 0; i < parts.length; i++) {
            Shape s = parts[i].shape();
            if (s.rank() != first.rank() || !s.with(ax, 1).equals(first.with(ax, 1))) {
                throw new IllegalArgumentException("concat along axis " + axis + ": part 0 " + first + " and part "
                        + i + " " + s + " differ off that axis");
            }
            starts[i] = total;
            total += s.at(ax);
            values[i] = parts[i].value();
        }
        Tensor y = t.allocate(first.with(ax, total));
        SliceAdd.into(t, y, ax, starts, values);
        Var out = t.output(y, parts);
        if (t.needsGrad(parts)) {
            t.record(out, () -> {
                if (out.grad() == null) return;
                for (int i = 0; i < parts.length; i++) {
                    if (parts[i].requiresGrad()) {
                        Grads.accumulate(t, parts[i], out.grad().slice(ax, starts[i], starts[i] + parts[i].shape().at(ax)));
                    }
                }
            });
        }
        return out;
    }
}
