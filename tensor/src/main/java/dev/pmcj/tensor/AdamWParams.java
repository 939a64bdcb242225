package dev.pmcj.tensor;

/**
 * One AdamW update's hyper-parameters. {@code step} is 1-based (bias correction uses it).
 * Weight decay is decoupled: {@code p -= lr * weightDecay * p} before the Adam step.
 */
public record AdamWParams(float lr, float beta1, float beta2, float eps, float weightDecay, long step) {
}
