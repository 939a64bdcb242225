package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

/** RMSNorm over the last axis with scale gamma; saves per-row 1/rms. */
public final class RmsNorm {
    private RmsNorm() {
    }

    public static Var apply(Tape t, Var x, Var gamma, float eps) {
        Backend be = t.backend();
        Tensor xv = x.value().contiguous(), g = gamma.value().contiguous();
        Tensor y = t.allocateOutput(x.shape());
        Tensor rstd = t.allocateOutput(Shape.of(x.shape().rows()));
        be.rmsNorm(xv, g, eps, y, rstd);
        Var out = t.output(y, x, gamma);
        if (t.needsGrad(x, gamma)) {
            t.record(out, () -> {
                if (out.grad() != null) {
                    be.rmsNormBackward(out.grad(), xv, g, rstd, Grads.sink(t, x), Grads.sink(t, gamma));
                }
            });
        }
        return out;
    }
}
