package dev.pmcj.autograd;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.testsupport.GradCheck;

import java.util.Random;

/**
 * Checks an op's tape gradients against central finite differences: the op's output is reduced to
 * {@code L = sum(w * op(x))} with a random w on the tape (so the backward also runs through
 * {@code mul} and {@code sumAll}), while the finite differences evaluate {@code sum(w * op(x))} in
 * double from constant inputs, with nothing recorded.
 */
final class GradientHarness {
    private GradientHarness() {
    }

    /** An op under test over its differentiable inputs (ids, positions and flags are captured). */
    @FunctionalInterface
    interface Op {
        Var apply(Tape t, Var... xs);
    }

    record Input(String name, Shape shape, float[] values) {
        static Input of(String name, Shape shape, float[] values) {
            if (values.length != shape.size()) throw new IllegalArgumentException(name + ": " + values.length + " values for " + shape);
            return new Input(name, shape, values);
        }
    }

    static void check(Backend be, String what, Random rnd, Op op, Input... inputs) {
        check(be, what, rnd, GradCheck.DEFAULT_STEP, op, inputs);
    }

    static void check(Backend be, String what, Random rnd, double step, Op op, Input... inputs) {
        Tape tape = new Tape(be);
        Var[] xs = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) xs[i] = new Var(be.fromHost(inputs[i].values(), inputs[i].shape()), true);
        Var y = op.apply(tape, xs);
        float[] w = uniform(rnd, y.shape().size(), -1f, 1f);
        Var loss = Ops.sumAll(tape, Ops.mul(tape, y, Var.constant(be.fromHost(w, y.shape()))));
        tape.backward(loss);
        for (int i = 0; i < inputs.length; i++) {
            int which = i;
            double[] numeric = GradCheck.centralDifferences(probe -> {
                Tape plain = new Tape(be);
                Var[] cs = new Var[inputs.length];
                for (int j = 0; j < inputs.length; j++) {
                    float[] v = j == which ? probe : inputs[j].values();
                    cs[j] = Var.constant(be.fromHost(v, inputs[j].shape()));
                }
                Var out = op.apply(plain, cs);
                if (plain.recordedSteps() != 0) throw new AssertionError(what + ": constants recorded backward steps");
                return GradCheck.weightedSum(out.value().toHost(), w);
            }, inputs[i].values(), step);
            float[] analytic = xs[i].grad() == null ? new float[inputs[i].shape().size()] : xs[i].grad().toHost();
            GradCheck.assertClose(what + " d/d" + inputs[i].name() + " " + inputs[i].shape(), numeric, analytic);
        }
    }

    static float[] uniform(Random rnd, int n, float lo, float hi) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = lo + (hi - lo) * rnd.nextFloat();
        return out;
    }

    /** Values at least {@code gap} away from 0 (kinks of relu, abs) with random signs. */
    static float[] awayFromZero(Random rnd, int n, float gap, float hi) {
        float[] out = uniform(rnd, n, gap, hi);
        for (int i = 0; i < n; i++) if (rnd.nextBoolean()) out[i] = -out[i];
        return out;
    }

    /** Rows of length {@code last} whose variance is at least 0.1, so normalisations are well conditioned. */
    static float[] spreadRows(Random rnd, int rows, int last) {
        float[] out = new float[rows * last];
        for (int r = 0; r < rows; r++) {
            double mean, var;
            do {
                mean = 0;
                var = 0;
                for (int j = 0; j < last; j++) {
                    out[r * last + j] = -2f + 4f * rnd.nextFloat();
                    mean += out[r * last + j] / last;
                }
                for (int j = 0; j < last; j++) var += Math.pow(out[r * last + j] - mean, 2) / last;
            } while (var < 0.1);
        }
        return out;
    }

    /** Random extents in {@code [1, max]} for {@code rank} axes. */
    static int[] dims(Random rnd, int rank, int max) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) d[i] = 1 + rnd.nextInt(max);
        return d;
    }

    static Input random(Random rnd, String name, int... dims) {
        Shape s = Shape.of(dims);
        return Input.of(name, s, uniform(rnd, s.size(), -1f, 1f));
    }
}
