package dev.pmcj.autograd;

import dev.pmcj.autograd.optim.AdamW;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.Shape;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** End to end: ops, tape, store and AdamW together train small MLPs to a stated loss. */
class TrainingTest {
    private final Backend be = Backends.scalar();

    /** A 2-layer tanh MLP {@code in -> hidden -> out} with Gaussian initialisation scaled by 1/sqrt(fan-in). */
    private ParameterStore mlp(int in, int hidden, int out, Random rnd) {
        ParameterStore s = ParameterStore.builder(be)
                .add("fc1.weight", Shape.of(hidden, in)).add("fc1.bias", Shape.of(hidden))
                .add("fc2.weight", Shape.of(out, hidden)).add("fc2.bias", Shape.of(out)).build();
        for (String w : new String[] {"fc1.weight", "fc2.weight"}) {
            float[] v = new float[s.shape(w).size()];
            double std = 1 / Math.sqrt(s.shape(w).dim(1));
            for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * std);
            be.fromHost(v, s.value(w));
        }
        return s;
    }

    private Var forward(Tape t, ParameterStore s, Var x) {
        Var h = Ops.tanh(t, Ops.linear(t, x, s.get("fc1.weight"), s.get("fc1.bias")));
        return Ops.linear(t, h, s.get("fc2.weight"), s.get("fc2.bias"));
    }

    /** Trains with AdamW (no decay) and returns the final loss. */
    private float train(ParameterStore s, java.util.function.Function<Tape, Var> loss, int steps, float lr) {
        AdamW opt = AdamW.withWeightDecay(0f);
        float last = Float.NaN;
        for (int i = 0; i < steps; i++) {
            Tape t = new Tape(be);
            s.zeroGrad();
            Var l = loss.apply(t);
            last = l.value().item();
            t.backward(l);
            opt.step(s, lr);
        }
        return last;
    }

    @Property(tries = 3)
    void mlpSolvesXorWithCrossEntropyBelowOneHundredth(@ForAll long seed) {
        ParameterStore s = mlp(2, 8, 2, new Random(seed));
        Var x = Var.constant(be.fromHost(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, Shape.of(4, 2)));
        int[] labels = {0, 1, 1, 0};
        float loss = train(s, t -> Ops.meanAll(t, Ops.crossEntropy(t, forward(t, s, x), labels, 0f)), 400, 0.05f);
        assertTrue(loss < 0.01f, "XOR cross-entropy after training: " + loss);
    }

    @Property(tries = 3)
    void mlpFitsASineWithMeanSquaredErrorBelowOneThousandth(@ForAll long seed) {
        Random rnd = new Random(seed);
        ParameterStore s = mlp(1, 16, 1, rnd);
        int n = 32;
        float[] xs = new float[n], ys = new float[n];
        for (int i = 0; i < n; i++) {
            xs[i] = -1f + 2f * i / (n - 1);
            ys[i] = (float) Math.sin(2 * xs[i]);
        }
        Var x = Var.constant(be.fromHost(xs, Shape.of(n, 1))), y = Var.constant(be.fromHost(ys, Shape.of(n, 1)));
        float mse = train(s, t -> Ops.meanAll(t, Ops.square(t, Ops.sub(t, forward(t, s, x), y))), 1500, 0.02f);
        assertTrue(mse < 1e-3f, "regression MSE after training: " + mse + " (target variance about 0.5)");
    }
}
