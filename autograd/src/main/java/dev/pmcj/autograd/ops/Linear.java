package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

/**
 * {@code y = x W^T + b} with x {@code [..., in]}, W {@code [out, in]} (PyTorch's layout), b {@code [out]}
 * or null. Leading axes of x are folded into rows: {@code dx = dy W}, {@code dW = dy^T x},
 * {@code db = sum over rows of dy}.
 */
public final class Linear {
    private Linear() {
    }

    public static Var apply(Tape t, Var x, Var weight, Var bias) {
        Shape ws = weight.shape();
        if (x.shape().rank() < 1 || ws.rank() != 2 || ws.at(1) != x.shape().last()
                || (bias != null && !bias.shape().equals(Shape.of(ws.at(0))))) {
            throw new IllegalArgumentException("linear: x " + x.shape() + ", weight " + ws + ", bias "
                    + (bias == null ? "none" : bias.shape()) + ": expected x [..., in], weight [out, in], bias [out]");
        }
        int in = ws.at(1), outDim = ws.at(0);
        Backend be = t.backend();
        Tensor x2 = x.value().reshape(-1, in), w = weight.value().contiguous();
        Tensor y2 = t.allocateOutput(Shape.of(x2.dim(0), outDim));
        be.linear(x2, w, bias == null ? null : bias.value(), y2, false);
        int[] dims = x.shape().dims();
        dims[dims.length - 1] = outDim;
        Var out = t.output(y2.reshape(dims), x, weight, bias);
        if (t.needsGrad(x, weight, bias)) {
            t.record(out, () -> {
                if (out.grad() == null) return;
                Tensor dy2 = out.grad().reshape(-1, outDim);
                if (x.requiresGrad()) {
                    Tape.GradTarget dx = t.gradTarget(x);
                    be.matmul(dy2, false, w, false, dx.tensor().reshape(-1, in), dx.accumulate());
                }
                Tape.GradTarget db = bias != null && bias.requiresGrad() ? t.gradTarget(bias) : null;
                if (weight.requiresGrad()) {
                    Tape.GradTarget dw = t.gradTarget(weight);
                    be.linearWeightGradients(dy2, x2, dw.tensor(), dw.accumulate(), db == null ? null : db.tensor(),
                            db != null && db.accumulate());
                } else if (db != null) {
                    be.sumTo(dy2, db.tensor(), db.accumulate());
                }
            });
        }
        return out;
    }
}
