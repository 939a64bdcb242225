package dev.pmcj.autograd.optim;

import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.tensor.AdamWParams;

/** AdamW with decoupled weight decay, one fused pass over the flat buffers. */
public final class AdamW extends Optimizer {
    private final float beta1, beta2, eps, weightDecay;

    public AdamW(float beta1, float beta2, float eps, float weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** PyTorch's defaults with the given weight decay. */
    public static AdamW withWeightDecay(float weightDecay) {
        return new AdamW(0.9f, 0.999f, 1e-8f, weightDecay);
    }

    @Override
    void update(ParameterStore store, float lr, long step) {
        store.backend().adamW(store.params(), store.grads(), store.firstMoment(), store.secondMoment(),
                new AdamWParams(lr, beta1, beta2, eps, weightDecay, step, true));
    }
}
