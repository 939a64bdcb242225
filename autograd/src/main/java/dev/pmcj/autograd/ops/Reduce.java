package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.ReduceOp;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

/**
 * Sum, mean or max over one axis, kept with extent 1. SUM spreads dy over the axis, MEAN spreads
 * dy/n, MAX splits dy evenly among the elements equal to the maximum (PyTorch's amax convention).
 */
public final class Reduce {
    private Reduce() {
    }

    public static Var apply(Tape t, ReduceOp op, Var x, int axis) {
        Shape xs = x.shape();
        int ax = xs.axis(axis);
        Backend be = t.backend();
        Tensor xv = x.value().contiguous();
        Tensor y = t.allocateOutput(xs.with(ax, 1));
        be.reduce(op, xv, ax, y);
        Var out = t.output(y, x);
        if (t.needsGrad(x)) {
            t.record(out, () -> {
                Tensor dy = out.grad();
                if (dy == null) return;
                Tensor spread = switch (op) {
                    case SUM -> dy;
                    case MEAN -> {
                        Tensor g = t.allocateOutput(dy.shape());
                        be.affine(dy, 1f / xs.at(ax), 0f, g);
                        yield g;
                    }
                    case MAX -> maxGrad(t, xv, ax, y, dy);
                };
                Grads.accumulate(t, x, spread.broadcastTo(xs));
            });
        }
        return out;
    }

    /** Over every element: x flattened, reduced to shape {@code [1]}. */
    public static Var all(Tape t, ReduceOp op, Var x) {
        return apply(t, op, Reshape.apply(t, x, -1), 0);
    }

    private static Tensor maxGrad(Tape t, Tensor x, int ax, Tensor y, Tensor dy) {
        Backend be = t.backend();
        Tensor mask = t.allocateOutput(x.shape());
        be.binary(BinaryOp.EQ, x, y, mask);
        Tensor ties = t.allocateOutput(y.shape()), share = t.allocateOutput(y.shape());
        be.reduce(ReduceOp.SUM, mask, ax, ties);
        be.binary(BinaryOp.DIV, dy, ties, share);
        be.binary(BinaryOp.MUL, mask, share, mask);
        return mask;
    }
}
