package dev.pmcj.autograd.optim;

import dev.pmcj.autograd.ParameterStore;

/** SGD with momentum (velocity kept in the store's first-moment buffer) and decoupled weight decay. */
public final class Sgd implements Optimizer {
    private final float momentum, weightDecay;
    private long steps;

    public Sgd(float momentum, float weightDecay) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(ParameterStore store, float lr) {
        steps++;
        store.backend().sgd(store.params(), store.grads(), store.firstMoment(), lr, momentum, weightDecay);
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public void setSteps(long steps) {
        this.steps = steps;
    }
}
