package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.Tensor;

/** Gradient plumbing shared by the ops' backward steps. */
final class Grads {
    private Grads() {
    }

    /** {@code x.grad += delta}; delta has x's shape but any strides (a view, a broadcast). */
    static void accumulate(Tape t, Var x, Tensor delta) {
        Tape.GradTarget g = t.gradTarget(x);
        if (g.accumulate()) t.backend().binary(BinaryOp.ADD, g.tensor(), delta, g.tensor());
        else t.backend().copy(delta, g.tensor());
    }

    /**
     * Where a fused backward kernel writes x's gradient: x's own gradient when it needs one, else a
     * throwaway buffer (the fused kernels compute every input's gradient in one pass).
     */
    static Tensor sink(Tape t, Var x) {
        return x.requiresGrad() ? t.gradOf(x) : t.allocate(x.shape());
    }
}
