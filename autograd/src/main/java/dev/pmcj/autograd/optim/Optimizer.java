package dev.pmcj.autograd.optim;

import dev.pmcj.autograd.ParameterStore;

/**
 * Updates a store's parameters from its gradients; state lives in the store's moment buffers. Counts its
 * steps (AdamW's bias correction reads the count; a resumed run restores it).
 */
public abstract sealed class Optimizer permits AdamW, Sgd {
    private long steps;

    /**
     * One update at learning rate {@code lr}, which consumes the gradients: they are zero after it, ready
     * for the next step's accumulation. The count is advanced first, so the first update is step 1.
     */
    public final void step(ParameterStore store, float lr) {
        steps++;
        update(store, lr, steps);
    }

    /** The update itself, as step number {@code step} (1-based), leaving the gradients zero. */
    abstract void update(ParameterStore store, float lr, long step);

    /** Number of steps taken (restored on resume). */
    public final long steps() {
        return steps;
    }

    public final void setSteps(long steps) {
        this.steps = steps;
    }
}
