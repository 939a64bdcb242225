package dev.pmcj.autograd;

import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

/**
 * A value in a computation: its tensor and, when it requires a gradient, the tensor its gradient
 * accumulates into. Parameters get a gradient view into the flat gradient buffer of their
 * {@link ParameterStore}; intermediate values get theirs lazily from the {@link Tape}.
 */
public final class Var {
    private final Tensor value;
    private final boolean requiresGrad;
    private Tensor grad;

    public Var(Tensor value, boolean requiresGrad) {
        this.value = value;
        this.requiresGrad = requiresGrad;
    }

    /** A leaf whose gradient accumulates into {@code grad} (e.g. a view of a flat gradient buffer). */
    public Var(Tensor value, Tensor grad) {
        this(value, true);
        this.grad = grad;
    }

    public static Var constant(Tensor value) {
        return new Var(value, false);
    }

    public Tensor value() {
        return value;
    }

    public Shape shape() {
        return value.shape();
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The gradient tensor, or null if none has been allocated yet. */
    public Tensor grad() {
        return grad;
    }

    void setGrad(Tensor grad) {
        this.grad = grad;
    }

    @Override
    public String toString() {
        return "Var" + value.shape() + (requiresGrad ? " (grad)" : "");
    }
}
