package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

/** LayerNorm over the last axis with scale gamma and optional shift beta; saves per-row mean and 1/std. */
public final class LayerNorm {
    private LayerNorm() {
    }

    public static Var apply(Tape t, Var x, Var gamma, Var beta, float eps) {
        Backend be = t.backend();
        Tensor xv = x.value().contiguous(), g = gamma.value().contiguous();
        Tensor y = t.allocateOutput(x.shape());
        Tensor mean = t.allocateOutput(Shape.of(x.shape().rows())), rstd = t.allocateOutput(Shape.of(x.shape().rows()));
        be.layerNorm(xv, g, beta == null ? null : beta.value().contiguous(), eps, y, mean, rstd);
        Var out = t.output(y, x, gamma, beta);
        if (t.needsGrad(x, gamma, beta)) {
            t.record(out, () -> {
                if (out.grad() == null) return;
                be.layerNormBackward(out.grad(), xv, g, mean, rstd, Grads.sink(t, x), Grads.sink(t, gamma),
                        beta == null ? null : Grads.sink(t, beta));
            });
        }
        return out;
    }
}
