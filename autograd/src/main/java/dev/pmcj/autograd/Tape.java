package dev.pmcj.autograd;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Records differentiable ops as they run; {@link #backward} replays their backward steps in reverse
 * (execution order is a topological order). Inside a {@link #noGrad()} scope nothing is recorded.
 */
public final class Tape {

    /** One op's backward: reads its output's gradient, accumulates into its inputs' gradients. */
    @FunctionalInterface
    public interface BackwardStep {
        void run();
    }

    private final Backend backend;
    private final List<BackwardStep> steps = new ArrayList<>();
    private int noGradDepth;

    public Tape(Backend backend) {
        this.backend = backend;
    }

    public Backend backend() {
        return backend;
    }

    public boolean isRecording() {
        return noGradDepth == 0;
    }

    /** {@code try (var scope = tape.noGrad()) { ... }}: ops inside record nothing. */
    public NoGrad noGrad() {
        noGradDepth++;
        return new NoGrad();
    }

    public final class NoGrad implements AutoCloseable {
        private boolean closed;

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                noGradDepth--;
            }
        }
    }

    /** A fresh zeroed tensor for an op's output or scratch. */
    public Tensor allocate(Shape shape) {
        return backend.allocate(shape);
    }

    /** Whether an op with these inputs must record a backward step. */
    public boolean needsGrad(Var... inputs) {
        if (!isRecording()) return false;
        for (Var v : inputs) {
            if (v != null && v.requiresGrad()) return true;
        }
        return false;
    }

    /** The output Var of an op: requires a gradient iff any input does (and we are recording). */
    public Var output(Tensor value, Var... inputs) {
        return new Var(value, needsGrad(inputs));
    }

    public void record(BackwardStep step) {
        if (isRecording()) steps.add(step);
    }

    /** The gradient of {@code v}, allocated (zeroed) on first use. */
    public Tensor gradOf(Var v) {
        if (v.grad() == null) v.setGrad(allocate(v.shape()));
        return v.grad();
    }

    /** Seeds d(loss)/d(loss) = 1 for a one-element loss and runs every recorded step in reverse. */
    public void backward(Var loss) {
        if (loss.value().shape().numel() != 1) {
            throw new IllegalArgumentException("backward needs a one-element loss, got shape " + loss.shape());
        }
        backend.fill(gradOf(loss), 1f);
        for (int i = steps.size() - 1; i >= 0; i--) steps.get(i).run();
        steps.clear();
    }

    /** Forgets recorded steps without running them (e.g. after an evaluation forward). */
    public void reset() {
        steps.clear();
    }

    public int recordedSteps() {
        return steps.size();
    }
}
