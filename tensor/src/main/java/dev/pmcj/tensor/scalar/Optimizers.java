package dev.pmcj.tensor.scalar;

import dev.pmcj.tensor.AdamWParams;

/** In-place optimizer updates over flat buffers, computed per element in double. */
public final class Optimizers {
    private Optimizers() {
    }

    /**
     * PyTorch's AdamW: {@code p *= 1 - lr wd}; {@code m = b1 m + (1-b1) g}; {@code v = b2 v + (1-b2) g^2};
     * {@code p -= lr (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)}; then {@code g = 0} where asked.
     */
    public static void adamW(Buf param, Buf grad, Buf m, Buf v, AdamWParams p, int n) {
        double bc1 = 1 - Math.pow(p.beta1(), p.step()), bc2 = 1 - Math.pow(p.beta2(), p.step());
        for (int i = 0; i < n; i++) {
            double g = grad.get(i);
            if (p.zeroGrad()) grad.set(i, 0);
            double w = param.get(i) * (1 - (double) p.lr() * p.weightDecay());
            double mi = p.beta1() * (double) m.get(i) + (1 - (double) p.beta1()) * g;
            double vi = p.beta2() * (double) v.get(i) + (1 - (double) p.beta2()) * g * g;
            m.set(i, mi);
            v.set(i, vi);
            param.set(i, w - p.lr() * (mi / bc1) / (Math.sqrt(vi / bc2) + p.eps()));
        }
    }

    /** {@code v = mu v + g; p -= lr (v + wd p)}. */
    public static void sgd(Buf param, Buf grad, Buf velocity, double lr, double momentum, double weightDecay, int n) {
        for (int i = 0; i < n; i++) {
            double vi = momentum * velocity.get(i) + grad.get(i);
            velocity.set(i, vi);
            param.set(i, param.get(i) - lr * (vi + weightDecay * param.get(i)));
        }
    }
}
