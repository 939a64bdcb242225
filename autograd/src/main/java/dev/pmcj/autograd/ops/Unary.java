package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.tensor.UnaryOp;

/** {@code y = f(x)} element-wise; the backend knows each f' ({@code dx (+)= dy * f'(x)}, from x or y). */
public final class Unary {
    private Unary() {
    }

    public static Var apply(Tape t, UnaryOp op, Var x) {
        Backend be = t.backend();
        Tensor xv = x.value().contiguous();
        Tensor y = t.allocateOutput(x.shape());
        be.unary(op, xv, y);
        Var out = t.output(y, x);
        if (t.needsGrad(x)) {
            t.record(out, () -> {
                if (out.grad() == null) return;
                Tape.GradTarget dx = t.gradTarget(x);
                be.unaryBackward(op, xv, y, out.grad(), dx.tensor(), dx.accumulate());
            });
        }
        return out;
    }
}
