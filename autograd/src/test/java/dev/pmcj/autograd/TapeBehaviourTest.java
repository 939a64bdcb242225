package dev.pmcj.autograd;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.Shape;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How gradients flow through the tape: accumulation, reuse, no-grad scopes, constants. */
class TapeBehaviourTest {
    private final Backend be = Backends.scalar();

    private Var leaf(float... values) {
        return new Var(be.fromHost(values, Shape.of(values.length)), true);
    }

    /** {@code sum(x * x + 3x)}, whose gradient is {@code 2x + 3}. */
    private Var quadratic(Tape t, Var x) {
        return Ops.sumAll(t, Ops.add(t, Ops.mul(t, x, x), Ops.scale(t, x, 3f)));
    }

    @Property(tries = 20)
    void aValueUsedTwiceGetsBothGradients(@ForAll @FloatRange(min = -3, max = 3) float a,
                                          @ForAll @FloatRange(min = -3, max = 3) float b) {
        Tape t = new Tape(be);
        Var x = leaf(a, b);
        t.backward(quadratic(t, x));
        assertArrayEquals(new float[] {2 * a + 3, 2 * b + 3}, x.grad().toHost(), 1e-5f);
    }

    @Test
    void twoBackwardPassesAddUp() {
        Tape t = new Tape(be);
        Var x = leaf(0.5f, -2f);
        t.backward(quadratic(t, x));
        float[] once = x.grad().toHost();
        t.backward(quadratic(t, x));
        float[] twice = x.grad().toHost();
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-6f);
    }

    @Test
    void noGradScopeRecordsNothingAndOutputsNeedNoGradient() {
        Tape t = new Tape(be);
        Var x = leaf(1f, 2f);
        Var y;
        try (var _ = t.noGrad()) {
            y = quadratic(t, x);
        }
        assertEquals(0, t.recordedSteps());
        assertFalse(y.requiresGrad());
        assertEquals(1 * 1 + 3 + 2 * 2 + 6, y.value().item(), 1e-6f);
        assertTrue(t.isRecording());
        quadratic(t, x);
        assertTrue(t.recordedSteps() > 0, "recording resumes after the scope closes");
    }

    @Test
    void constantsGetNoGradientAndOpsOnlyOfConstantsRecordNothing() {
        Tape t = new Tape(be);
        Var c = Var.constant(be.fromHost(new float[] {2f, 3f}, Shape.of(2)));
        Var x = leaf(1f, 1f);
        Ops.mul(t, c, c);
        assertEquals(0, t.recordedSteps());
        t.backward(Ops.sumAll(t, Ops.mul(t, c, x)));
        assertNull(c.grad());
        assertArrayEquals(new float[] {2f, 3f}, x.grad().toHost());
    }

    @Test
    void branchesThatDoNotReachTheLossLeaveGradientsUntouched() {
        Tape t = new Tape(be);
        Var x = leaf(1f, 2f), unused = leaf(5f, 5f);
        Ops.exp(t, unused);
        t.backward(Ops.sumAll(t, x));
        assertNull(unused.grad());
        assertArrayEquals(new float[] {1f, 1f}, x.grad().toHost());
    }

    @Test
    void parameterGradientsLandInTheFlatBuffer() {
        ParameterStore store = ParameterStore.builder(be).add("a", Shape.of(2)).add("b", Shape.of(3)).build();
        be.fromHost(new float[] {1, 2, 3, 4, 5}, store.params());
        Tape t = new Tape(be);
        t.backward(Ops.sumAll(t, Ops.square(t, store.get("b"))));
        assertArrayEquals(new float[] {0, 0, 6, 8, 10}, store.grads().toHost());
    }

    /**
     * Fused backward kernels compute every input's gradient at once; when only some inputs require one,
     * those get exactly the gradients they get when all do, and the others get none.
     */
    @Property(tries = 20)
    void inputsThatNeedNoGradientGetNoneAndTheOthersAreUnchanged(@ForAll long seed) {
        Random rnd = new Random(seed);
        float[][] values = {
                GradientHarness.uniform(rnd, 3 * 2 * 4, -1f, 1f),     // q [1, 3, 2, 4] and x [6, 4]
                GradientHarness.uniform(rnd, 3 * 4, -1f, 1f),         // k, v [1, 3, 1, 4] and gamma, beta [4] (first 4)
                GradientHarness.uniform(rnd, 3 * 4, -1f, 1f)};
        GradientHarness.Op attention = (t, x) -> Ops.attention(t, Ops.reshape(t, x[0], 1, 3, 2, 4),
                Ops.reshape(t, x[1], 1, 3, 1, 4), Ops.reshape(t, x[2], 1, 3, 1, 4), new int[] {0, 1, 2});
        GradientHarness.Op layerNorm = (t, x) -> Ops.layerNorm(t, Ops.reshape(t, x[0], 6, 4),
                Ops.slice(t, x[1], 0, 0, 4), Ops.slice(t, x[2], 0, 4, 8), 1e-5f);
        for (GradientHarness.Op op : new GradientHarness.Op[] {attention, layerNorm}) {
            float[][] all = gradients(op, values, 0b111);
            for (int mask = 1; mask < 0b111; mask++) {
                float[][] some = gradients(op, values, mask);
                for (int i = 0; i < 3; i++) {
                    if ((mask & 1 << i) == 0) assertNull(some[i], "input " + i + " needs no gradient");
                    else assertArrayEquals(all[i], some[i], "input " + i + " with mask " + mask);
                }
            }
        }
    }

    private float[][] gradients(GradientHarness.Op op, float[][] values, int mask) {
        Tape t = new Tape(be);
        Var[] xs = new Var[values.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = new Var(be.fromHost(values[i], Shape.of(values[i].length)), (mask & 1 << i) != 0);
        }
        Var y = op.apply(t, xs);
        t.backward(Ops.sumAll(t, Ops.square(t, y)));
        float[][] grads = new float[xs.length][];
        for (int i = 0; i < xs.length; i++) grads[i] = xs[i].grad() == null ? null : xs[i].grad().toHost();
        return grads;
    }

    @Test
    void backwardRejectsANonScalarLoss() {
        Tape t = new Tape(be);
        var e = assertThrows(IllegalArgumentException.class, () -> t.backward(Ops.exp(t, leaf(1f, 2f))));
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void shapeErrorsNameTheOpAndShapes() {
        Tape t = new Tape(be);
        var e = assertThrows(IllegalArgumentException.class, () -> Ops.add(t, leaf(1f, 2f), leaf(1f, 2f, 3f)));
        assertTrue(e.getMessage().contains("binary ADD") && e.getMessage().contains("[2]") && e.getMessage().contains("[3]"),
                e.getMessage());
        var c = assertThrows(IllegalArgumentException.class, () -> Ops.concat(t, 0,
                new Var(be.allocate(Shape.of(2, 3)), true), new Var(be.allocate(Shape.of(2, 4)), true)));
        assertTrue(c.getMessage().contains("[2, 3]") && c.getMessage().contains("[2, 4]"), c.getMessage());
    }
}
