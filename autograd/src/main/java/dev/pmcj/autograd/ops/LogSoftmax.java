package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Tensor;

/** Log-softmax over the last axis; the backward needs only y: {@code dx += dy - exp(y) sum(dy)}. */
public final class LogSoftmax {
    private LogSoftmax() {
    }

    public static Var apply(Tape t, Var x) {
        Backend be = t.backend();
        Tensor y = t.allocate(x.shape());
        be.logSoftmax(x.value().contiguous(), y);
        Var out = t.output(y, x);
        if (t.needsGrad(x)) {
            t.record(() -> {
                if (out.grad() != null) be.logSoftmaxBackward(y, out.grad(), t.gradOf(x));
            });
        }
        return out;
    }
}
