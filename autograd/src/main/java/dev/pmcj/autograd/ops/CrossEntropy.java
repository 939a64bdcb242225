package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

/**
 * Per-row cross-entropy {@code [N]} of logits {@code [N, V]} with label smoothing; negative targets
 * are ignored (loss 0, no gradient). Fused: the backward is {@code dy (softmax - target distribution)}.
 */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    public static Var apply(Tape t, Var logits, int[] targets, float smoothing) {
        if (logits.shape().rank() != 2) {
            throw new IllegalArgumentException("crossEntropy: logits " + logits.shape() + " must be [N, V]");
        }
        Backend be = t.backend();
        int[] tg = targets.clone(); // the caller may reuse its array before backward runs
        Tensor lv = logits.value().contiguous();
        Tensor losses = t.allocateOutput(Shape.of(logits.shape().at(0)));
        be.crossEntropy(lv, tg, smoothing, losses);
        Var out = t.output(losses, logits);
        if (t.needsGrad(logits)) {
            t.record(out, () -> {
                if (out.grad() != null) be.crossEntropyBackward(lv, tg, smoothing, out.grad(), t.gradOf(logits));
            });
        }
        return out;
    }
}
