package dev.pmcj.tensor.vector;

import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * {@link VectorBackend}'s element-wise loops: unary ops and their derivatives, binary ops, each a
 * loop over whole vectors of one op's lane function. The backend checks, splits the work among
 * threads and calls these per range. Which loop is a method of its own, and where a tail goes, is
 * set by what C2 inlines (each comment says what was measured).
 */
final class ElementWise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private ElementWise() {
    }

    static void unaryVectors(UnaryOp op, float[] x, int xo, float[] o, int oo, int n) {
        if (op == UnaryOp.GELU_TANH) geluTanhVectors(x, xo, o, oo, n);
        else for (int i = 0; i < n; i += L) unaryLanes(op, FloatVector.fromArray(S, x, xo + i)).intoArray(o, oo + i);
    }

    /**
     * GELU-tanh, a GPT-2's hottest unary op, in a loop of its own. In the shared loop, an op first
     * seen late (a demo's unlearning phase, 50 s in) trapped the switch, and C2's next compile left
     * the switch, now too big, out of line: every GELU vector went through the heap from then on
     * (10 GB in a demo). Here no other op's profile can reach GELU's code.
     */
    private static void geluTanhVectors(float[] x, int xo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i += L) geluTanh(FloatVector.fromArray(S, x, xo + i)).intoArray(o, oo + i);
    }

    /**
     * GELU-tanh's derivative in a loop of its own, for the same reason. Its last two lines repeat
     * {@link #derivativeVectors}' loop on purpose: a shared helper taking the derivative vector was
     * left out of line by C2 past its node cutoff and boxed every vector (log, twenty-fifth session).
     */
    private static void geluTanhDerivativeVectors(float[] x, int xo, float[] g, int go, float[] d, int dxo, int n, boolean accumulate) {
        for (int i = 0; i < n; i += L) {
            FloatVector old = accumulate ? FloatVector.fromArray(S, d, dxo + i) : FloatVector.zero(S);
            geluTanhDerivative(FloatVector.fromArray(S, x, xo + i)).fma(FloatVector.fromArray(S, g, go + i), old).intoArray(d, dxo + i);
        }
    }

    /**
     * Per thread: the last partial vector of a unary loop, one whole vector per operand, zero-padded,
     * which the loop's own method then runs as it runs every other vector. A tail called at a site of
     * its own is cold to C2 (see {@link #siluMulRange}); masked throughout, these compute-heavy loops
     * ran slower (GELU's backward over a million floats 0.48 ms against 0.32). The binary loops are
     * masked throughout instead: their rows can be short (decoding's 172 floats), where copying every
     * row's tail cost more than masking (32 streams' decoding 0.955x).
     */
    static final ThreadLocal<float[]> TAIL = ThreadLocal.withInitial(() -> new float[3 * L]);

    /** {@code src[from, from + r)} into operand slot {@code k} of {@code tail}, zeros after it; returns the slot's offset. */
    static int padded(float[] src, int from, int r, float[] tail, int k) {
        System.arraycopy(src, from, tail, k * L, r);
        Arrays.fill(tail, k * L + r, (k + 1) * L, 0f);
        return k * L;
    }

    private static FloatVector unaryLanes(UnaryOp op, FloatVector v) {
        return switch (op) {
            case NEG -> v.neg();
            case EXP -> LaneMath.exp(v);
            case LOG -> LaneMath.log(v);
            case TANH -> LaneMath.tanh(v);
            case SIGMOID -> LaneMath.sigmoid(v);
            case RELU -> v.max(0f);
            case SILU -> v.mul(LaneMath.sigmoid(v));
            case SQUARE -> v.mul(v);
            case SQRT -> v.sqrt();
            case RECIPROCAL -> FloatVector.broadcast(S, 1f).div(v);
            case ABS -> v.abs();
            case SOFTPLUS -> v.max(0f).add(LaneMath.log1pUnit(LaneMath.exp(v.abs().neg())));
            case GELU_TANH -> throw new IllegalStateException("GELU_TANH runs in geluTanhVectors");
            case GELU -> throw new IllegalStateException("GELU is computed element by element");
        };
    }

    /** {@code x * 0.5 (1 + tanh u)}, written as {@code x * sigmoid(2u)}. */
    private static FloatVector geluTanh(FloatVector v) {
        return v.mul(LaneMath.sigmoid(geluArgument(v).mul(2f)));
    }

    private static final float GELU_C = (float) Math.sqrt(2 / Math.PI), GELU_K = 0.044715f;

    /** {@code u = sqrt(2/pi) (x + 0.044715 x^3)}, the argument of GELU-tanh's tanh. */
    private static FloatVector geluArgument(FloatVector v) {
        return v.mul(v).fma(GELU_K, 1f).mul(v).mul(GELU_C);
    }

    /**
     * {@code f'(x)} lane by lane, for the ops whose derivative is computed from x. Kept under C2's
     * inlining limit (325 bytecodes) by moving the longer cases out: not inlined, the vectors were
     * boxed on the heap every call and ran through the Vector API's Java fallback.
     */
    private static FloatVector derivativeLanes(UnaryOp op, FloatVector v) {
        return switch (op) {
            case NEG -> FloatVector.broadcast(S, -1f);
            case EXP -> LaneMath.exp(v);
            case LOG -> FloatVector.broadcast(S, 1f).div(v);
            case RECIPROCAL -> FloatVector.broadcast(S, -1f).div(v.mul(v));
            case TANH -> tanhDerivative(v);
            case SIGMOID -> sigmoidDerivative(v);
            case SOFTPLUS -> LaneMath.sigmoid(v);
            case RELU -> FloatVector.zero(S).blend(1f, v.compare(VectorOperators.GT, 0f));
            case SILU -> siluDerivative(v);
            case SQUARE -> v.add(v);
            case SQRT -> FloatVector.broadcast(S, 0.5f).div(v.sqrt());
            case ABS -> absDerivative(v);
            case GELU_TANH -> throw new IllegalStateException("GELU_TANH runs in geluTanhDerivativeVectors");
            case GELU -> throw new IllegalStateException("GELU is computed element by element");
        };
    }

    private static FloatVector tanhDerivative(FloatVector v) {
        FloatVector t = LaneMath.tanh(v);
        return t.neg().fma(t, FloatVector.broadcast(S, 1f));
    }

    private static FloatVector sigmoidDerivative(FloatVector v) {
        FloatVector s = LaneMath.sigmoid(v);
        return s.neg().add(1f).mul(s);
    }

    /** {@code s (1 + x (1 - s))} with {@code s = sigmoid(x)}. */
    private static FloatVector siluDerivative(FloatVector v) {
        FloatVector s = LaneMath.sigmoid(v);
        return s.neg().add(1f).mul(v).add(1f).mul(s);
    }

    private static FloatVector absDerivative(FloatVector v) {
        return FloatVector.zero(S).blend(1f, v.compare(VectorOperators.GT, 0f)).blend(-1f, v.compare(VectorOperators.LT, 0f));
    }

    /** With {@code s = sigmoid(2u)}: {@code s + x * 2 s (1 - s) * c (1 + 3k x^2)}. */
    private static FloatVector geluTanhDerivative(FloatVector v) {
        FloatVector s = LaneMath.sigmoid(geluArgument(v).mul(2f));
        FloatVector du = v.mul(v).fma(3f * GELU_K * GELU_C, GELU_C);
        return s.neg().add(1f).mul(s).mul(2f).mul(du).fma(v, s);
    }

    static void derivativeVectors(UnaryOp op, float[] x, int xo, float[] g, int go, float[] d, int dxo, int n, boolean accumulate) {
        if (op == UnaryOp.GELU_TANH) {
            geluTanhDerivativeVectors(x, xo, g, go, d, dxo, n, accumulate);
            return;
        }
        for (int i = 0; i < n; i += L) {
            FloatVector old = accumulate ? FloatVector.fromArray(S, d, dxo + i) : FloatVector.zero(S); // fma onto 0: one rounding, as mul
            derivativeLanes(op, FloatVector.fromArray(S, x, xo + i)).fma(FloatVector.fromArray(S, g, go + i), old).intoArray(d, dxo + i);
        }
    }

    static float binaryScalar(BinaryOp op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
            case EQ -> x == y ? 1f : 0f;
            case SILU_MUL -> siluMul(FloatVector.broadcast(S, x), FloatVector.broadcast(S, y)).lane(0);
        };
    }

    static void binaryRange(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        if (op == BinaryOp.SILU_MUL) siluMulRange(a, ao, b, bo, o, oo, n);
        else lanesRange(op, a, ao, b, bo, o, oo, n);
    }

    /**
     * Every other op's loop, a method of its own: as the loop of {@link #binaryRange}, it was compiled
     * with no count at its call of the lane switch wherever SILU_MUL ran first (a Llama's decoding),
     * the call was left out of line and every ADD after it boxed its vectors (2,752 floats in 3.4 us,
     * against 0.35). The switch is written inside the loop: as a method taking the two vectors, C2
     * left it out of line in 2 of 17 demo JVMs (past its node cutoff, when the loop was inlined into
     * a large caller) and boxed every vector (up to 17 GB a demo).
     */
    private static void lanesRange(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i += L) { // masked throughout: one call site (see siluMulRange)
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, a, ao + i, m), y = FloatVector.fromArray(S, b, bo + i, m);
            FloatVector r = switch (op) {
                case ADD -> x.add(y);
                case SUB -> x.sub(y);
                case MUL -> x.mul(y);
                case DIV -> x.div(y);
                case MAX -> x.max(y);
                case MIN -> x.min(y);
                case EQ -> FloatVector.zero(S).blend(1f, x.compare(VectorOperators.EQ, y));
                case SILU_MUL -> throw new IllegalStateException("SILU_MUL runs in siluMulRange");
            };
            r.intoArray(o, oo + i, m);
        }
    }

    /**
     * silu(a) * b in a loop of its own, keeping the sigmoid out of {@link #lanesRange}, the other ops'
     * loop (vectors that C2 cannot keep in registers are boxed: see docs/performance.md).
     *
     * <p>The binary loops are masked throughout, the tail being one more pass of the same call: with
     * the tail as a call site of its own, C2 saw that site as cold and did not inline the lane
     * function there (the sigmoid is too large for a cold site), so the tail's vectors were boxed,
     * and a 172-float SILU_MUL took 0.92 us against 0.09 for 176. For these ops masked loads and
     * stores cost no more than plain ones, with AVX-512 and with AVX2 alike.
     */
    private static void siluMulRange(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            siluMul(FloatVector.fromArray(S, a, ao + i, m), FloatVector.fromArray(S, b, bo + i, m)).intoArray(o, oo + i, m);
        }
    }

    /** Lane for lane as unary SILU followed by MUL, to the bit. */
    private static FloatVector siluMul(FloatVector x, FloatVector y) {
        return x.mul(LaneMath.sigmoid(x)).mul(y);
    }
}
