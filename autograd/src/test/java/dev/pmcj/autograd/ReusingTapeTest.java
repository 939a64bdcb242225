package dev.pmcj.autograd;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Storage;
import dev.pmcj.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reusing tape computes what a fresh tape computes, pass after pass, while recycling its buffers. */
class ReusingTapeTest {
    private final Backend be = Backends.cpu();

    private Var leaf(Random rnd, int... dims) {
        float[] v = new float[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        return new Var(be.fromHost(v, Shape.of(dims)), true);
    }

    /** A small network whose intermediates have repeated shapes: {@code sum(gelu(x W^T + b) * x)} via a transposed copy. */
    private static Var loss(Tape t, Var x, Var w, Var b) {
        Var h = Ops.geluTanh(t, Ops.linear(t, x, w, b));
        Var flipped = Ops.contiguous(t, Ops.transpose(t, Ops.transpose(t, h, 0, 1), 0, 1));
        return Ops.sumAll(t, Ops.mul(t, flipped, x));
    }

    @Property(tries = 15)
    void everyPassMatchesAFreshTape(@ForAll @IntRange(min = 1, max = 9) int rows,
                                    @ForAll @IntRange(min = 1, max = 12) int width, @ForAll long seed) {
        Random rnd = new Random(seed);
        Tape reusing = Tape.reusing(be);
        for (int pass = 0; pass < 3; pass++) {
            Var x = leaf(rnd, rows, width), w = leaf(rnd, width, width), b = leaf(rnd, width);
            Var x2 = new Var(x.value(), true), w2 = new Var(w.value(), true), b2 = new Var(b.value(), true);
            Tape fresh = new Tape(be);
            Var expected = loss(fresh, x2, w2, b2);
            fresh.backward(expected);
            Var got = loss(reusing, x, w, b);
            assertArrayEquals(expected.value().toHost(), got.value().toHost(), 0f, "loss, pass " + pass);
            reusing.backward(got);
            assertArrayEquals(x2.grad().toHost(), x.grad().toHost(), 0f, "dx, pass " + pass);
            assertArrayEquals(w2.grad().toHost(), w.grad().toHost(), 0f, "dw, pass " + pass);
            assertArrayEquals(b2.grad().toHost(), b.grad().toHost(), 0f, "db, pass " + pass);
        }
    }

    /**
     * Every op whose output or first gradient skips the zeroing pass ({@link Tape#allocateOutput},
     * {@link Tape#gradTarget}), pass after pass: recycled buffers hold NaN under the tests'
     * assertions, so an element a kernel leaves unwritten would show here.
     */
    @Property(tries = 10)
    void everyOpMatchesAFreshTapePassAfterPass(@ForAll long seed) {
        Random rnd = new Random(seed);
        Tape reusing = Tape.reusing(be);
        for (int pass = 0; pass < 3; pass++) {
            Var[] params = {leaf(rnd, 5, 8), leaf(rnd, 24, 8), leaf(rnd, 24), leaf(rnd, 8), leaf(rnd, 8), leaf(rnd, 8), leaf(rnd, 3, 8)};
            Var[] copies = new Var[params.length];
            for (int i = 0; i < params.length; i++) copies[i] = new Var(params[i].value(), true);
            int[] ids = new int[6];
            for (int i = 0; i < ids.length; i++) ids[i] = rnd.nextInt(5);
            Tape fresh = new Tape(be);
            Var expected = everyOp(fresh, copies, ids);
            fresh.backward(expected);
            Var got = everyOp(reusing, params, ids);
            assertArrayEquals(expected.value().toHost(), got.value().toHost(), 0f, "loss, pass " + pass);
            reusing.backward(got);
            for (int i = 0; i < params.length; i++) {
                assertArrayEquals(copies[i].grad().toHost(), params[i].grad().toHost(), 0f, "param " + i + ", pass " + pass);
            }
        }
    }

    /** A two-stream, three-token attention block and a head touching every op with a skipped zeroing. */
    private static Var everyOp(Tape t, Var[] p, int[] ids) {
        Var x = Ops.embedding(t, p[0], ids);                                  // [6, 8]
        Var h = Ops.layerNorm(t, x, p[3], p[4], 1e-5f);
        Var qkv = Ops.linear(t, h, p[1], p[2]);                               // [6, 24]
        int[] pos = {0, 1, 2, 0, 1, 2};
        Var q = Ops.reshape(t, Ops.rope(t, Ops.reshape(t, Ops.contiguous(t, Ops.slice(t, qkv, 1, 0, 8)), 6, 2, 4), pos, 1e4f), 2, 3, 2, 4);
        Var k = Ops.reshape(t, Ops.contiguous(t, Ops.slice(t, qkv, 1, 8, 16)), 2, 3, 2, 4);
        Var v = Ops.reshape(t, Ops.contiguous(t, Ops.slice(t, qkv, 1, 16, 24)), 2, 3, 2, 4);
        Var a = Ops.reshape(t, Ops.attention(t, q, k, v, pos), 6, 8);
        Var fused = Ops.reshape(t, Ops.attention(t, qkv, 2, 3, 2, 2, pos), 6, 8);    // q, k, v read in place
        Var r = Ops.rmsNorm(t, Ops.add(t, Ops.add(t, x, a), fused), p[5], 1e-5f);
        Var scores = Ops.matmul(t, Ops.reshape(t, r, 2, 3, 8), false, Ops.reshape(t, h, 2, 3, 8), true); // [2, 3, 3]
        Var mixed = Ops.sub(t, Ops.softmax(t, scores), Ops.div(t, Ops.logSoftmax(t, scores), Ops.affine(t, Ops.max(t, scores, -1), 0.5f, 2f)));
        Var pooled = Ops.mul(t, Ops.mean(t, mixed, 1), Ops.sigmoid(t, Ops.sum(t, mixed, 2)));       // [2, 1, 3] * [2, 3, 1]
        Var logits = Ops.matmul(t, Ops.reshape(t, pooled, 6, 3), false, p[6], false);             // [6, 8]
        Var ce = Ops.crossEntropy(t, logits, new int[]{1, -1, 7, 0, 3, 2}, 0.1f);
        return Ops.add(t, Ops.meanAll(t, ce), Ops.sumAll(t, Ops.geluTanh(t, Ops.concat(t, 0, logits, x))));
    }

    @Test
    void recycledOutputBuffersHoldNaNUnderAssertions() {
        assertTrue(Tape.class.desiredAssertionStatus(), "the tests run with assertions enabled");
        Tape t = Tape.reusing(be);
        be.fill(t.allocateOutput(Shape.of(2, 3)), 7f);
        t.reset();
        for (float f : t.allocateOutput(Shape.of(2, 3)).toHost()) assertTrue(Float.isNaN(f), "poisoned, got " + f);
    }

    @Test
    void buffersComeBackZeroedAfterBackwardOrReset() {
        Tape t = Tape.reusing(be);
        Tensor first = t.allocate(Shape.of(3, 4)), second = t.allocate(Shape.of(3, 4));
        assertNotSame(first.storage(), second.storage(), "no reuse inside a pass");
        be.fill(first, 7f);
        be.fill(second, 7f);
        t.reset();
        Set<Storage> before = Set.of(first.storage(), second.storage());
        Tensor a = t.allocate(Shape.of(3, 4)), b = t.allocate(Shape.of(3, 4));
        assertEquals(before, Set.of(a.storage(), b.storage()), "both buffers recycled");
        assertArrayEquals(new float[12], a.toHost(), "a recycled buffer is zeroed");
        assertArrayEquals(new float[12], b.toHost(), "a recycled buffer is zeroed");
        Tape plain = new Tape(be);
        Tensor kept = plain.allocate(Shape.of(2));
        plain.reset();
        assertNotSame(kept.storage(), plain.allocate(Shape.of(2)).storage(), "a plain tape never recycles");
    }

    @Test
    void buffersUnusedForKeepPassesAreReleased() {
        Tape t = Tape.reusing(be);
        Tensor a = t.allocate(Shape.of(5, 2));
        for (int pass = 0; pass < Tape.KEEP_PASSES; pass++) {
            t.reset();
            t.allocate(Shape.of(7, 2));      // passes of another shape (another sequence length)
        }
        t.reset();
        assertNotSame(a.storage(), t.allocate(Shape.of(5, 2)).storage(),
                "a buffer unused for " + Tape.KEEP_PASSES + " passes is not kept, so varying shapes cannot pile up");
    }

    /** The demo's batches: a long one, a short one, a long one again, which finds the first one's buffer. */
    @Test
    void aLongerPassFindsAnEarlierLongPassBuffers() {
        Tape t = Tape.reusing(be);
        Tensor longBatch = t.allocate(Shape.of(40, 8));
        t.reset();
        Tensor shortBatch = t.allocate(Shape.of(10, 8));
        assertNotSame(longBatch.storage(), shortBatch.storage(), "under half the class: a buffer of its own");
        t.reset();
        assertSame(longBatch.storage(), t.allocate(Shape.of(40, 8)).storage(), "kept through the short pass");
        Tensor middle = t.allocate(Shape.of(30, 8));
        t.reset();
        assertSame(longBatch.storage(), t.allocate(Shape.of(28, 8)).storage(),
                "of two that fit, the largest: the longest batch's buffers stay in use, the others age out");
        assertSame(middle.storage(), t.allocate(Shape.of(28, 8)).storage(), "then the next one");
    }

    /** Batches of varying length (the demo's fine-tuning): a shorter pass takes the last pass's buffers, zeroed. */
    @Test
    void aPassOfAnotherLengthReusesTheLastPassBuffers() {
        Tape t = Tape.reusing(be);
        Tensor a = t.allocate(Shape.of(30, 8));
        be.fill(a, 7f);
        t.reset();
        Tensor b = t.allocate(Shape.of(28, 8));
        assertSame(a.storage(), b.storage(), "a slightly shorter batch takes the same buffer");
        assertArrayEquals(new float[28 * 8], b.toHost(), "its first 224 floats, zeroed");
        t.reset();
        assertNotSame(b.storage(), t.allocate(Shape.of(64, 8)).storage(), "a request over twice the size class allocates");
    }

    @Property
    void sizeClassesCoverARequestWithinAnEighth(@ForAll @IntRange(min = 0, max = 50_000_000) int n) {
        long c = Tape.sizeClass(n);
        assertTrue(c >= n && c <= n + n / 8 + 1, n + " -> " + c);
        assertEquals(c, Tape.sizeClass(c), "a class is its own class");
        if (n <= 16) assertEquals(n, c, "small requests are exact");
    }

    /** A deep chain: each op's output gradient is taken back once its step ran, and the next op down reuses it. */
    @Test
    void backwardRecyclesDeadGradientsWithinThePass() {
        int depth = 12;
        Tape t = Tape.reusing(be);
        Var x = leaf(new Random(3), 4, 6), y = x;
        Var[] chain = new Var[depth];
        for (int i = 0; i < depth; i++) y = chain[i] = Ops.tanh(t, y);
        Var loss = Ops.sumAll(t, y);
        int forward = t.buffersInPass();
        t.backward(loss);
        for (Var v : chain) assertNull(v.grad(), "an intermediate gradient is released after its op's step");
        assertNotNull(x.grad(), "the leaf keeps its gradient");
        // The loss's seed and two link gradients alive at a time (a step writes its input's gradient
        // before its own is taken back; the first is the sum's, moved to the last link by the reshape
        // inside sumAll); the leaf's reuses a dead one. Without recycling, one more per link.
        assertEquals(forward + 3, t.buffersInPass(), "buffers after backward " + t.buffersInPass()
                + ", after forward " + forward);

        Tape fresh = new Tape(be);
        Var x2 = new Var(x.value(), true), y2 = x2;
        for (int i = 0; i < depth; i++) y2 = Ops.tanh(fresh, y2);
        fresh.backward(Ops.sumAll(fresh, y2));
        assertArrayEquals(x2.grad().toHost(), x.grad().toHost(), 0f, "same gradient as a plain tape");
    }
}
