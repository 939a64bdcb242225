package dev.pmcj.tensor;

/**
 * One AdamW update's hyper-parameters. {@code step} is 1-based (bias correction uses it).
 * Weight decay is decoupled: {@code p -= lr * weightDecay * p} before the Adam step. With
 * {@code zeroGrad} the update also zeroes the gradient it read, in the same pass (a training step's
 * separate zeroing was another pass over every gradient, 2.7% of a GPT-2 124M step).
 */
public record AdamWParams(float lr, float beta1, float beta2, float eps, float weightDecay, long step, boolean zeroGrad) {
    /** An update that leaves the gradient as it is. */
    public AdamWParams(float lr, float beta1, float beta2, float eps, float weightDecay, long step) {
        this(lr, beta1, beta2, eps, weightDecay, step, false);
    }
}
