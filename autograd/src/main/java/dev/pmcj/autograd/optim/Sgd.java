package dev.pmcj.autograd.optim;

import dev.pmcj.autograd.ParameterStore;

/** SGD with momentum (velocity kept in the store's first-moment buffer) and decoupled weight decay. */
public final class Sgd extends Optimizer {
    private final float momentum, weightDecay;

    public Sgd(float momentum, float weightDecay) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    void update(ParameterStore store, float lr, long step) {
        store.backend().sgd(store.params(), store.grads(), store.firstMoment(), lr, momentum, weightDecay);
        store.zeroGrad();
    }
}
