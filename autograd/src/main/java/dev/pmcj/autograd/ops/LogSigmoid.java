package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.UnaryOp;

/** {@code log(sigmoid(x)) = -softplus(-x)}: the backend's stable softplus never overflows for large |x|. */
public final class LogSigmoid {
    private LogSigmoid() {
    }

    public static Var apply(Tape t, Var x) {
        return Affine.apply(t, Unary.apply(t, UnaryOp.SOFTPLUS, Affine.apply(t, x, -1f, 0f)), -1f, 0f);
    }
}
