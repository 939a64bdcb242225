package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Tensor;

/**
 * Softmax and log-softmax over the last axis. Both backwards need only y: softmax
 * {@code dx += y (dy - sum(dy y))}, log-softmax {@code dx += dy - exp(y) sum(dy)}.
 */
public final class Softmax {
    private Softmax() {
    }

    public static Var apply(Tape t, Var x) {
        return apply(t, x, Backend::softmax, Backend::softmaxBackward);
    }

    public static Var log(Tape t, Var x) {
        return apply(t, x, Backend::logSoftmax, Backend::logSoftmaxBackward);
    }

    private interface Forward {
        void run(Backend be, Tensor x, Tensor y);
    }

    private interface Backward {
        void run(Backend be, Tensor y, Tensor dy, Tensor dx);
    }

    private static Var apply(Tape t, Var x, Forward forward, Backward backward) {
        Backend be = t.backend();
        Tensor y = t.allocateOutput(x.shape());
        forward.run(be, x.value().contiguous(), y);
        Var out = t.output(y, x);
        if (t.needsGrad(x)) {
            t.record(out, () -> {
                if (out.grad() != null) backward.run(be, y, out.grad(), t.gradOf(x));
            });
        }
        return out;
    }
}
