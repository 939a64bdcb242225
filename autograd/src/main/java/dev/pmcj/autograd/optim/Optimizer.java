package dev.pmcj.autograd.optim;

import dev.pmcj.autograd.ParameterStore;

/** Updates a store's parameters from its gradients; state lives in the store's moment buffers. */
public sealed interface Optimizer permits AdamW, Sgd {
    void step(ParameterStore store, float lr);

    /** Number of steps taken (restored on resume). */
    long steps();

    void setSteps(long steps);
}
