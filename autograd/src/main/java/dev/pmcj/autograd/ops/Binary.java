package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.Checks;
import dev.pmcj.tensor.Tensor;

/**
 * {@code y = a op b} for ADD, SUB, MUL, DIV with numpy broadcasting. Each input's local gradient has
 * y's shape and is summed back to the input's shape ({@code Backend.sumTo}):
 * {@code d(a/b)/db = -y/b}, so DIV needs no square.
 */
public final class Binary {
    private Binary() {
    }

    public static Var apply(Tape t, BinaryOp op, Var a, Var b) {
        if (op != BinaryOp.ADD && op != BinaryOp.SUB && op != BinaryOp.MUL && op != BinaryOp.DIV) {
            throw new IllegalArgumentException("binary: " + op + " of a " + a.shape() + " and b " + b.shape()
                    + " is not differentiable here (only ADD, SUB, MUL, DIV)");
        }
        Backend be = t.backend();
        Tensor y = t.allocateOutput(BroadcastTo.shapeOf(Checks.name(op), a.shape(), b.shape()));
        be.binary(op, a.value(), b.value(), y);
        Var out = t.output(y, a, b);
        if (t.needsGrad(a, b)) {
            t.record(out, () -> {
                Tensor dy = out.grad();
                if (dy == null) return;
                if (b.requiresGrad()) sumInto(t, localB(t, op, dy, a.value(), b.value(), y), b);
                // a's local gradient of a sum or difference is dy itself: b has read it, so a can take
                // it over (a residual stream's gradient then passes each block without a copy).
                boolean localIsDy = (op == BinaryOp.ADD || op == BinaryOp.SUB) && a.shape().equals(dy.shape());
                if (a.requiresGrad() && !(localIsDy && t.moveGradient(out, a))) sumInto(t, localA(t, op, dy, b.value()), a);
            });
        }
        return out;
    }

    /** {@code x.grad += local} summed over x's broadcast axes. */
    private static void sumInto(Tape t, Tensor local, Var x) {
        Tape.GradTarget g = t.gradTarget(x);
        t.backend().sumTo(local, g.tensor(), g.accumulate());
    }

    private static Tensor localA(Tape t, BinaryOp op, Tensor dy, Tensor b) {
        return switch (op) {
            case ADD, SUB -> dy;
            case MUL, DIV -> {
                Tensor g = t.allocateOutput(dy.shape());
                t.backend().binary(op, dy, b, g);
                yield g;
            }
            default -> throw new AssertionError(op);
        };
    }

    private static Tensor localB(Tape t, BinaryOp op, Tensor dy, Tensor a, Tensor b, Tensor y) {
        if (op == BinaryOp.ADD) return dy;
        Backend be = t.backend();
        Tensor g = t.allocateOutput(dy.shape());
        switch (op) {
            case SUB -> be.affine(dy, -1f, 0f, g);
            case MUL -> be.binary(BinaryOp.MUL, dy, a, g);
            case DIV -> {
                be.binary(BinaryOp.MUL, dy, y, g);
                be.binary(BinaryOp.DIV, g, b, g);
                be.affine(g, -1f, 0f, g);
            }
            default -> throw new AssertionError(op);
        }
        return g;
    }
}
