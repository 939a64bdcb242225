package dev.pmcj.autograd.optim;

import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.Shape;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optimizers over a store, against the update rules written out in double here. */
class OptimizerTest {
    private final Backend be = Backends.scalar();

    private ParameterStore store(float[] p) {
        ParameterStore s = ParameterStore.builder(be).add("a", Shape.of(2)).add("b", Shape.of(p.length - 2)).build();
        be.fromHost(p, s.params());
        return s;
    }

    @Property(tries = 20)
    void adamWMatchesPyTorchsRuleOverSeveralSteps(@ForAll long seed, @ForAll @FloatRange(min = 0f, max = 0.1f) float wd) {
        Random rnd = new Random(seed);
        int n = 5;
        float[] p0 = new float[n];
        for (int i = 0; i < n; i++) p0[i] = (float) rnd.nextGaussian();
        ParameterStore s = store(p0);
        AdamW opt = AdamW.withWeightDecay(wd);
        double[] p = new double[n], m = new double[n], v = new double[n];
        for (int i = 0; i < n; i++) p[i] = p0[i];
        float lr = 0.01f;
        for (int step = 1; step <= 3; step++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) g[i] = (float) rnd.nextGaussian();
            be.fromHost(g, s.grads());
            opt.step(s, lr);
            for (int i = 0; i < n; i++) {
                p[i] *= 1 - lr * wd;
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(0.9, step)), vHat = v[i] / (1 - Math.pow(0.999, step));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
            }
        }
        assertEquals(3, opt.steps());
        float[] got = s.params().toHost();
        for (int i = 0; i < n; i++) assertEquals(p[i], got[i], 1e-5, "param " + i);
    }

    @Test
    void sgdWithMomentumFollowsTheHeavyBallRecurrence() {
        // f(p) = c p^2 / 2 per element, gradient c p: velocity v = mu v + c p, p -= lr v.
        float[] c = {0.5f, 1f, 2f};
        ParameterStore s = store(new float[] {1f, -1f, 2f});
        Sgd opt = new Sgd(0.9f, 0f);
        double[] p = {1, -1, 2}, vel = new double[3];
        for (int step = 0; step < 20; step++) {
            float[] host = s.params().toHost(), g = new float[3];
            for (int i = 0; i < 3; i++) g[i] = c[i] * host[i];
            be.fromHost(g, s.grads());
            opt.step(s, 0.1f);
            for (int i = 0; i < 3; i++) {
                vel[i] = 0.9 * vel[i] + c[i] * p[i];
                p[i] -= 0.1 * vel[i];
            }
        }
        float[] got = s.params().toHost();
        for (int i = 0; i < 3; i++) assertEquals(p[i], got[i], 1e-4, "param " + i);
    }

    @Test
    void momentumReachesTheMinimumOfAnIllConditionedBowlFasterThanPlainSgd() {
        assertTrue(distanceAfter(new Sgd(0.9f, 0f)) < 0.1 * distanceAfter(new Sgd(0f, 0f)));
    }

    private double distanceAfter(Sgd opt) {
        float[] c = {0.02f, 1f};
        ParameterStore s = ParameterStore.builder(be).add("p", Shape.of(2)).build();
        be.fromHost(new float[] {1f, 1f}, s.params());
        for (int step = 0; step < 100; step++) {
            float[] host = s.params().toHost();
            be.fromHost(new float[] {c[0] * host[0], c[1] * host[1]}, s.grads());
            opt.step(s, 0.5f);
        }
        float[] p = s.params().toHost();
        return Math.hypot(p[0], p[1]);
    }

    @Test
    void aStepConsumesTheGradients() {
        for (Optimizer opt : List.of(AdamW.withWeightDecay(0.1f), new Sgd(0.9f, 0f))) {
            ParameterStore s = store(new float[] {1f, -2f, 3f});
            be.fromHost(new float[] {0.5f, -0.25f, 2f}, s.grads());
            opt.step(s, 0.1f);
            assertArrayEquals(new float[3], s.grads().toHost(), opt.getClass().getSimpleName());
            assertTrue(s.params().toHost()[0] < 1f, "the gradient was read before it was zeroed");
        }
    }

    @Test
    void decoupledWeightDecayShrinksParametersWithZeroGradient() {
        ParameterStore s = ParameterStore.builder(be).add("p", Shape.of(1)).build();
        be.fromHost(new float[] {2f}, s.params());
        new Sgd(0f, 0.5f).step(s, 0.1f);
        assertEquals(2f * (1 - 0.1f * 0.5f), s.params().item(), 1e-6f);
        AdamW adam = AdamW.withWeightDecay(0.5f);
        adam.step(s, 0.1f);
        assertEquals(1.9f * (1 - 0.1f * 0.5f), s.params().item(), 1e-6f);
    }
}
