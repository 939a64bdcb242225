package dev.pmcj.transformer.train;

import dev.pmcj.autograd.Ops;
import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.autograd.optim.Optimizer;
import dev.pmcj.autograd.optim.Schedule;
import dev.pmcj.transformer.model.Decoder;

import java.util.function.Function;

/**
 * Gradient descent on a {@link Decoder}: each {@link #microStep} runs one micro-batch forward and
 * backward with its loss scaled by {@code 1/accumulation}; every {@code accumulation} micro-steps
 * the gradients are clipped (when a maximum norm is set), the optimizer steps at
 * {@code schedule.lr(step)} (0-based optimizer step) and the gradients are zeroed.
 */
public final class Trainer {
    /** Pass as {@code maxGradNorm} to skip clipping. */
    public static final float NO_CLIPPING = 0f;

    private final Decoder model;
    private final Optimizer optimizer;
    private final Schedule schedule;
    private final int accumulation;
    private final float maxGradNorm;
    /** One tape for every micro-step: its buffers are reused, so steady-state steps allocate no tensors. */
    private final Tape tape;
    private int pendingMicroSteps;
    private float lastLoss = Float.NaN;

    public Trainer(Decoder model, Optimizer optimizer, Schedule schedule, int accumulation, float maxGradNorm) {
        if (accumulation <= 0) throw new IllegalArgumentException("Trainer: accumulation " + accumulation + " must be positive");
        if (!(maxGradNorm >= 0f)) throw new IllegalArgumentException("Trainer: maxGradNorm " + maxGradNorm + " must be >= 0 (0 = off)");
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.accumulation = accumulation;
        this.maxGradNorm = maxGradNorm;
        this.tape = Tape.reusing(model.parameters().backend());
    }

    /** One micro-batch per step, no clipping. */
    public Trainer(Decoder model, Optimizer optimizer, Schedule schedule) {
        this(model, optimizer, schedule, 1, NO_CLIPPING);
    }

    /**
     * Forward and backward of one micro-batch; {@code lossFn} builds a one-element loss on the tape
     * it is given. Returns that loss (unscaled). Throws {@link NonFiniteLossException} naming the
     * optimizer step when the loss or the gradient norm is not finite. Tensors that {@code lossFn}
     * allocates on the tape are reused by the next micro-step, so they are not to be kept.
     */
    public float microStep(Function<Tape, Var> lossFn) {
        ParameterStore params = model.parameters();
        tape.reset();
        Var loss = lossFn.apply(tape);
        float value = loss.value().item();
        if (!Float.isFinite(value)) {
            tape.reset();
            throw new NonFiniteLossException("loss is " + value + " at optimizer step " + optimizer.steps()
                    + " (micro-step " + (pendingMicroSteps + 1) + " of " + accumulation + ")");
        }
        tape.backward(accumulation == 1 ? loss : Ops.affine(tape, loss, 1f / accumulation, 0f));
        lastLoss = value;
        if (++pendingMicroSteps == accumulation) {
            if (maxGradNorm > 0f) {
                float norm = params.clipGradNorm(maxGradNorm);
                if (!Float.isFinite(norm)) {
                    throw new NonFiniteLossException("gradient norm is " + norm + " at optimizer step " + optimizer.steps());
                }
            }
            optimizer.step(params, schedule.lr(optimizer.steps())); // and zeroes the gradients
            pendingMicroSteps = 0;
        }
        return value;
    }

    public Decoder model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public int accumulation() {
        return accumulation;
    }

    /** Optimizer steps taken so far (the schedule's position). */
    public long step() {
        return optimizer.steps();
    }

    /** Micro-steps run since the last optimizer step. */
    public int pendingMicroSteps() {
        return pendingMicroSteps;
    }

    /** The loss of the last micro-step (NaN before the first). */
    public float lastLoss() {
        return lastLoss;
    }
}
