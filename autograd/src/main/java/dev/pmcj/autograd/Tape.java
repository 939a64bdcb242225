package dev.pmcj.autograd;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Records differentiable ops as they run; {@link #backward} replays their backward steps in reverse
 * (execution order is a topological order). Inside a {@link #noGrad()} scope nothing is recorded.
 *
 * <p>A tape made by {@link #reusing} keeps the buffers it allocated and hands them out again to later
 * passes (zeroed by {@link #allocate}, as they are by {@link #allocateOutput}): a training loop that
 * runs one tape step after step then allocates no tensor memory in its steady state. Buffers come in
 * size classes ({@link #sizeClass}), and a request gets the leading part of a free buffer of its
 * class or else of the largest one up to twice as large, so that batches of varying sequence length
 * find earlier passes' buffers too.
 * The price is a lifetime rule: the tensors such a tape allocated stay valid only until it allocates
 * again after {@link #backward} or {@link #reset}.
 * It holds the buffers used in the last {@value #KEEP_PASSES} passes plus the current one: a batch
 * longer than the last finds an earlier long batch's buffers. During {@link #backward} it
 * also takes back an op output's gradient as soon as that op's step has run (the gradient is dead
 * then; the output's {@link Var#grad()} becomes null), so earlier layers' gradients reuse later
 * layers' buffers and a pass holds about one layer's activation gradients rather than all of them.
 */
public final class Tape {

    /** One op's backward: reads its output's gradient, accumulates into its inputs' gradients. */
    @FunctionalInterface
    public interface BackwardStep {
        void run();
    }

    private final Backend backend;
    private final List<BackwardStep> steps = new ArrayList<>();
    /** The output of each recorded step, same index. */
    private final List<Var> outputs = new ArrayList<>();
    private int noGradDepth;
    /** Null unless reusing: each tensor handed out and not yet taken back, with the whole buffer it views. */
    private final Map<Tensor, Tensor> handedOut;
    /** The whole buffers handed out in the current pass, taken back or not: the next pass's free ones. */
    private final Set<Tensor> usedInPass;
    /** Free whole buffers (one-dimensional, a size class long) by length. */
    private final TreeMap<Long, ArrayDeque<Tensor>> free;
    /** The view each whole buffer was last handed out as: a step of fixed shapes makes no views. */
    private final Map<Tensor, Tensor> lastView;
    /** Every whole buffer the tape holds, with the last pass that used it (in a box of its own, set in place). */
    private final Map<Tensor, int[]> lastUsed;
    private int passes;
    private boolean passEnded;

    /**
     * Passes a buffer is kept unused. With one (the last pass's buffers only), a fine-tuning batch
     * longer than the one before it allocated afresh: 5.7 GB of tensors in a demo's first 45 s, 0.85
     * with eight and the largest fitting buffer taken. Taking the largest keeps the longest batch's
     * buffers in use by the shorter ones, so the buffers of shorter batches are the ones let go.
     */
    static final int KEEP_PASSES = 8;

    /** A tape whose tensors are the caller's to keep (fresh memory for every allocation). */
    public Tape(Backend backend) {
        this(backend, false);
    }

    private Tape(Backend backend, boolean reuse) {
        this.backend = backend;
        this.handedOut = reuse ? new IdentityHashMap<>() : null;
        this.usedInPass = reuse ? Collections.newSetFromMap(new IdentityHashMap<>()) : null;
        this.free = reuse ? new TreeMap<>() : null;
        this.lastView = reuse ? new IdentityHashMap<>() : null;
        this.lastUsed = reuse ? new IdentityHashMap<>() : null;
    }

    /** A tape that recycles its buffers from pass to pass (see the class comment for the lifetime rule). */
    public static Tape reusing(Backend backend) {
        return new Tape(backend, true);
    }

    public Backend backend() {
        return backend;
    }

    public boolean isRecording() {
        return noGradDepth == 0;
    }

    /** {@code try (var _ = tape.noGrad()) { ... }}: ops inside record nothing. */
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

    /** A zeroed tensor, for an op that adds into it. */
    public Tensor allocate(Shape shape) {
        return take(shape, true);
    }

    /**
     * A tensor for an op's output that its kernel writes in full before anything reads it: a
     * recycled buffer skips the zeroing pass (a step's outputs were a tenth of its memory traffic)
     * and holds whatever the last pass left, or NaN when assertions are enabled, so that a kernel
     * that leaves an element unwritten fails the tests.
     */
    public Tensor allocateOutput(Shape shape) {
        return take(shape, false);
    }

    private static final boolean POISON = Tape.class.desiredAssertionStatus();

    private Tensor take(Shape shape, boolean zeroed) {
        if (handedOut == null) return backend.allocate(shape);
        if (passEnded) {
            // Buffers unused for KEEP_PASSES are let go: keeping every size ever seen would grow without bound.
            passes++;
            for (Tensor whole : usedInPass) lastUsed.computeIfAbsent(whole, k -> new int[1])[0] = passes;
            lastUsed.values().removeIf(pass -> passes - pass[0] >= KEEP_PASSES);
            lastView.keySet().retainAll(lastUsed.keySet());
            free.clear();
            for (Tensor whole : lastUsed.keySet()) free(whole);
            usedInPass.clear();
            handedOut.clear();
            passEnded = false;
        }
        long n = shape.numel(), size = sizeClass(n);
        ArrayDeque<Tensor> exact = free.get(size);
        Tensor whole = exact == null ? null : exact.poll();
        if (whole == null) { // the largest class up to twice (the range's views are objects: not on the steady path)
            for (ArrayDeque<Tensor> q : free.subMap(size, false, 2 * size, true).descendingMap().values()) {
                if ((whole = q.poll()) != null) break;
            }
        }
        boolean recycled = whole != null;
        if (!recycled) whole = backend.allocate(Shape.of(Math.toIntExact(size)));
        Tensor t = lastView.get(whole);
        if (t == null || !t.shape().equals(shape)) {
            t = (n == whole.shape().numel() ? whole : whole.slice(0, 0, (int) n)).reshape(shape.dims());
            lastView.put(whole, t);
        }
        if (recycled && (zeroed || POISON)) backend.fill(t, zeroed ? 0f : Float.NaN);
        handedOut.put(t, whole);
        usedInPass.add(whole);
        return t;
    }

    /**
     * n rounded up to one of eight sizes an octave (at most an eighth more than asked; exact up to 16).
     * The demo's fine-tuning batches vary in length, and buffers kept by exact element count missed at
     * almost every step: 57 GB of fresh tensors in one {@code pmc demo}.
     */
    static long sizeClass(long n) {
        if (n <= 16) return n;
        long step = Long.highestOneBit(n) >> 3;
        return (n + step - 1) / step * step;
    }

    private void free(Tensor whole) {
        free.computeIfAbsent(whole.shape().numel(), k -> new ArrayDeque<>()).push(whole);
    }

    private void giveBack(Tensor t) {
        free(handedOut.remove(t));
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

    /** Records {@code step}, the backward of the op that produced {@code out}. */
    public void record(Var out, BackwardStep step) {
        if (isRecording()) {
            steps.add(step);
            outputs.add(out);
        }
    }

    /** The gradient of {@code v}, allocated (zeroed) on first use. */
    public Tensor gradOf(Var v) {
        if (v.grad() == null) v.setGrad(allocate(v.shape()));
        return v.grad();
    }

    /**
     * Where a backward step puts its contribution to v's gradient. When v has a gradient the step
     * adds into it ({@code accumulate}); when not, the step writes a new one in full, as an
     * {@link #allocateOutput} buffer, which saves zeroing it and reading the zeros back.
     */
    public GradTarget gradTarget(Var v) {
        if (v.grad() != null) return new GradTarget(v.grad(), true);
        Tensor g = allocateOutput(v.shape());
        v.setGrad(g);
        return new GradTarget(g, false);
    }

    /**
     * Makes {@code from}'s gradient {@code to}'s, viewed in to's shape, when to has none yet and
     * this reusing tape owns from's: the step of from's producer is running, after which from's
     * gradient is dead ({@link #takeBackGradient}). A reshape's backward then moves no numbers, where
     * it copied every activation gradient of q, k and v. Returns false when it cannot; the caller
     * then adds the gradient as usual.
     */
    public boolean moveGradient(Var from, Var to) {
        Tensor g = from.grad();
        Tensor whole = handedOut == null || g == null || to.grad() != null ? null : handedOut.remove(g);
        if (whole == null) return false;
        Tensor view = g.reshape(to.shape().dims());
        handedOut.put(view, whole);
        to.setGrad(view);
        from.setGrad(null);
        return true;
    }

    /** A gradient to write ({@code accumulate} false) or add into. */
    public record GradTarget(Tensor tensor, boolean accumulate) {
    }

    /** Seeds d(loss)/d(loss) = 1 for a one-element loss and runs every recorded step in reverse. */
    public void backward(Var loss) {
        if (loss.value().shape().numel() != 1) {
            throw new IllegalArgumentException("backward needs a one-element loss, got shape " + loss.shape());
        }
        backend.fill(gradOf(loss), 1f);
        for (int i = steps.size() - 1; i >= 0; i--) {
            steps.get(i).run();
            if (handedOut != null) takeBackGradient(outputs.get(i));
        }
        steps.clear();
        outputs.clear();
        passEnded = true;
    }

    /** Every consumer of {@code out} ran its step before out's producer did, so out's gradient is dead. */
    private void takeBackGradient(Var out) {
        Tensor g = out.grad();
        if (g != null && handedOut.containsKey(g)) {
            out.setGrad(null);
            giveBack(g);
        }
    }

    /** Forgets recorded steps without running them (e.g. after an evaluation forward). */
    public void reset() {
        steps.clear();
        outputs.clear();
        passEnded = true;
    }

    /** How many buffers a reusing tape has handed out in the current pass (0 for a plain tape). */
    public int buffersInPass() {
        return usedInPass == null ? 0 : usedInPass.size();
    }

    public int recordedSteps() {
        return steps.size();
    }
}
