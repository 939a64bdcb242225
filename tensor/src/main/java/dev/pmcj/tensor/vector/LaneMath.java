package dev.pmcj.tensor.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane functions that give the same bits whichever JIT tier runs them.
 *
 * <p>The Vector API's {@code lanewise(EXP | LOG | TANH | LOG1P)} and {@code reduceLanes(ADD)} do not:
 * C2 computes them with SVML stubs and a tree of adds, the interpreter and C1 with {@code Math} per
 * lane and a sequential sum. A kernel's result then depended on whether its code had been compiled
 * yet, and two runs with one seed drifted apart (README, "Reproducible runs"). These are built from
 * adds, multiplies, FMAs, divisions, blends, permutes and bit operations only, which IEEE 754 and the
 * Vector API's Java fallback define exactly. The polynomials are Cephes' single-precision ones, within
 * 1.5 ulp of {@code Math} ({@code LaneMathTest}); softmax's {@link #expNonPositive} returns 0 where
 * {@code Math.exp} is subnormal.
 *
 * <p>The sums and {@link #exp} call nothing but the Vector API, which C2 always inlines: a helper of
 * ours can be cut off once the caller's compilation has spent its inlining budget, and a vector
 * handed to a call that is not inlined is boxed on the heap. {@link #log} and {@link #tanh}, used
 * only by the rarer unary ops, keep small helpers.
 */
final class LaneMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = S.vectorShape().withLanes(int.class);
    private static final int L = S.length();

    /** Rotations of the lanes by 8, 4, 2 and 1 (constants, so C2 emits one permute each). */
    private static final VectorShuffle<Float> ROTATE_8 = rotation(S, 8), ROTATE_4 = rotation(S, 4),
            ROTATE_2 = rotation(S, 2), ROTATE_1 = rotation(S, 1);
    private static final VectorShuffle<Float> ROTATE_256_4 = rotation(FloatVector.SPECIES_256, 4),
            ROTATE_256_2 = rotation(FloatVector.SPECIES_256, 2), ROTATE_256_1 = rotation(FloatVector.SPECIES_256, 1);

    private LaneMath() {
    }

    private static VectorShuffle<Float> rotation(VectorSpecies<Float> species, int by) {
        return VectorShuffle.fromOp(species, i -> (i + by) % species.length());
    }

    /**
     * The sum of the lanes as a fixed tree of adds: rotate by half the lanes and add, then by a
     * quarter, down to one (species of 4 to 16 lanes).
     */
    static float sum(FloatVector v) {
        if (L == 16) v = v.add(v.rearrange(ROTATE_8));
        if (L >= 8) v = v.add(v.rearrange(ROTATE_4));
        v = v.add(v.rearrange(ROTATE_2));
        return v.add(v.rearrange(ROTATE_1)).lane(0);
    }

    /** {@link #sum} of an 8-lane vector, whatever the preferred species. */
    static float sum256(FloatVector v) {
        v = v.add(v.rearrange(ROTATE_256_4));
        v = v.add(v.rearrange(ROTATE_256_2));
        return v.add(v.rearrange(ROTATE_256_1)).lane(0);
    }

    /**
     * The masks and permutes of {@link #sums8Scrambled}'s three rounds for one species, each 8-lane
     * segment of a wider vector on its own: which lanes a round takes from the second vector (the
     * upper four, the upper two of each four, the odd ones), and the permute that lines them up.
     * A record's fields are trusted as final, so C2 folds them from a static instance.
     */
    record Rounds(VectorMask<Float> high4, VectorMask<Float> oddPairs, VectorMask<Float> oddLanes,
                  VectorShuffle<Float> rotate4, VectorShuffle<Float> swap2, VectorShuffle<Float> swap1) {
        static Rounds of(VectorSpecies<Float> s) {
            return new Rounds(VectorMask.fromValues(s, lanes(s, l -> l % 8 >= 4)), VectorMask.fromValues(s, lanes(s, l -> l % 4 >= 2)),
                    VectorMask.fromValues(s, lanes(s, l -> l % 2 == 1)), VectorShuffle.fromOp(s, l -> l / 8 * 8 + (l + 4) % 8),
                    VectorShuffle.fromOp(s, l -> l ^ 2), VectorShuffle.fromOp(s, l -> l ^ 1));
        }

        private static boolean[] lanes(VectorSpecies<Float> s, java.util.function.IntPredicate set) {
            boolean[] m = new boolean[s.length()];
            for (int l = 0; l < m.length; l++) m[l] = set.test(l);
            return m;
        }
    }

    private static final Rounds ROUNDS_256 = Rounds.of(FloatVector.SPECIES_256);
    /** {@link Rounds} of the preferred species, whose 16 lanes (AVX-512) make two segments. */
    static final Rounds SEGMENT_ROUNDS = Rounds.of(S);
    private static final VectorShuffle<Float> UNSCRAMBLE = VectorShuffle.fromValues(FloatVector.SPECIES_256, 0, 4, 2, 6, 1, 5, 3, 7);
    /**
     * Where {@link #sums8Scrambled} puts each sum: {@code p_i}'s in lane {@code SUMS8_LANE[i]} (the
     * order is its own inverse: lane l holds {@code p_{SUMS8_LANE[l]}}'s).
     */
    static final int[] SUMS8_LANE = {0, 4, 2, 6, 1, 5, 3, 7};

    /**
     * The lane sums of eight 8-lane vectors as one vector (lane i: the sum of {@code p_i}), in the
     * same tree of adds as {@link #sum256}, so each has the bits it would have alone.
     */
    static FloatVector sums8(FloatVector p0, FloatVector p1, FloatVector p2, FloatVector p3,
                             FloatVector p4, FloatVector p5, FloatVector p6, FloatVector p7) {
        return sums8Scrambled(p0, p1, p2, p3, p4, p5, p6, p7).rearrange(UNSCRAMBLE);
    }

    /**
     * {@link #sums8} in the lane order {@link #SUMS8_LANE}, a permute fewer. Blends and permutes
     * merge the vectors pairwise, halving their number each round, which costs fewer instructions
     * than eight separate sums; a round's two blends share one mask, operands swapped.
     */
    static FloatVector sums8Scrambled(FloatVector p0, FloatVector p1, FloatVector p2, FloatVector p3,
                                      FloatVector p4, FloatVector p5, FloatVector p6, FloatVector p7) {
        Rounds r = ROUNDS_256;
        // Round 1: lanes 0-3 hold l_i + l_{i+4} of the pair's first vector, lanes 4-7 of its second.
        FloatVector a0 = p0.blend(p1, r.high4()).add(p1.blend(p0, r.high4()).rearrange(r.rotate4()));
        FloatVector a1 = p2.blend(p3, r.high4()).add(p3.blend(p2, r.high4()).rearrange(r.rotate4()));
        FloatVector a2 = p4.blend(p5, r.high4()).add(p5.blend(p4, r.high4()).rearrange(r.rotate4()));
        FloatVector a3 = p6.blend(p7, r.high4()).add(p7.blend(p6, r.high4()).rearrange(r.rotate4()));
        // Round 2: two lanes per vector; round 3: one.
        FloatVector c0 = a0.blend(a1, r.oddPairs()).add(a1.blend(a0, r.oddPairs()).rearrange(r.swap2()));
        FloatVector c1 = a2.blend(a3, r.oddPairs()).add(a3.blend(a2, r.oddPairs()).rearrange(r.swap2()));
        return c0.blend(c1, r.oddLanes()).add(c1.blend(c0, r.oddLanes()).rearrange(r.swap1()));
    }

    /** {@link #sums8} of four vectors: lanes 0-3 hold their sums (lanes 4-7 are not meaningful). */
    static FloatVector sums4(FloatVector p0, FloatVector p1, FloatVector p2, FloatVector p3) {
        Rounds r = ROUNDS_256;
        FloatVector a0 = p0.blend(p1, r.high4()).add(p1.blend(p0, r.high4()).rearrange(r.rotate4()));
        FloatVector a1 = p2.blend(p3, r.high4()).add(p3.blend(p2, r.high4()).rearrange(r.rotate4()));
        FloatVector c = a0.blend(a1, r.oddPairs()).add(a1.blend(a0, r.oddPairs()).rearrange(r.swap2()));
        return c.add(c.rearrange(r.swap1())).rearrange(UNSCRAMBLE);
    }

    // Constants as vectors: a scalar operand costs C2 a broadcast's whole inlining tree at every use,
    // and the nodes of a kernel's inlined lane functions must stay under its inlining cut-off.
    private static final FloatVector ZERO = c(0f), ONE = c(1f), TWO = c(2f), INFINITY = c(Float.POSITIVE_INFINITY);
    private static final FloatVector LOG2E = c(1.44269504088896341f), MINUS_LN2_HI = c(-0.693359375f),
            MINUS_LN2_LO = c(2.12194440e-4f);
    /** Adding 1.5 * 2^23 rounds a float below 2^22 to an integer, held in the low mantissa bits. */
    private static final FloatVector ROUNDER = c(12582912f);
    private static final IntVector ROUNDER_BITS = IntVector.broadcast(I, Float.floatToRawIntBits(12582912f)),
            EXPONENT_BIAS = IntVector.broadcast(I, 127);
    private static final float EXP_MAX = 88.72283905f, EXP_MIN = -103.972077f;
    private static final FloatVector EXP_MAX_V = c(EXP_MAX), EXP_MIN_V = c(EXP_MIN);
    private static final FloatVector E5 = c(1.9875691500e-4f), E4 = c(1.3981999507e-3f), E3 = c(8.3334519073e-3f),
            E2 = c(4.1665795894e-2f), E1 = c(1.6666665459e-1f), E0 = c(5.0000001201e-1f);

    private static FloatVector c(float v) {
        return FloatVector.broadcast(S, v);
    }

    /**
     * e^x; +inf above 88.72, 0 below -103.97 (subnormal results are rounded twice), NaN stays NaN.
     * The clamps are blends under the masks the ends need anyway: {@code max} and {@code min}
     * cost six instructions each for their NaN and signed-zero rules, which cannot matter here.
     * Lanes below the range go through as 0, not as -103.97, since their result is replaced anyway:
     * a multiply whose result is subnormal takes a microcode assist, and a vector with such lanes
     * (attention's masked -inf scores) took 65 ns instead of 7.
     */
    static FloatVector exp(FloatVector x) {
        VectorMask<Float> under = x.compare(VectorOperators.LT, EXP_MIN_V), over = x.compare(VectorOperators.GT, EXP_MAX_V);
        return expOfClamped(x.blend(ZERO, under).blend(EXP_MAX_V, over)).blend(ZERO, under).blend(INFINITY, over);
    }

    /**
     * {@link #exp} for arguments up to 88.72, where it does not clamp: softmax's max-shifted
     * scores. The same bits there, without the upper clamp and its blend, except that results
     * below 2^-126 (arguments under -87.3365) are 0 rather than subnormal: a softmax weight under
     * 1.2e-38 beside a largest weight of 1. A multiply with a subnormal result takes a microcode
     * assist, 65 ns a 16-lane vector against 7, and 32 stories260K streams decoding meet such
     * weights often enough that flushing them made the whole run 4-5% faster ({@code bench/ab
     * decode32}, one thread); building the subnormals' bits as integers kept the bits but lost
     * more than that in C2's code.
     */
    static FloatVector expNonPositive(FloatVector x) {
        VectorMask<Float> under = x.compare(VectorOperators.LT, NORMAL_MIN_V);
        return expOfClamped(x.blend(ZERO, under)).blend(ZERO, under);
    }

    /** The argument below which e^x is subnormal: ln(2^-126), rounded up to a float. */
    private static final FloatVector NORMAL_MIN_V = c(-87.33654f);

    /** e^xc for xc in [-103.97, 88.72]. */
    private static FloatVector expOfClamped(FloatVector xc) {
        FloatVector t = xc.fma(LOG2E, ROUNDER);
        FloatVector y = expOfRemainder(xc, t);
        // 2^n in two factors: n runs from -150 to 128, past one float exponent's range.
        IntVector k = t.reinterpretAsInts().sub(ROUNDER_BITS);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1), k2 = k.sub(k1);
        return y.mul(k1.add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                .mul(k2.add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }

    /**
     * {@code e^r} for {@code r = xc - n ln 2}, with {@code t = xc log2(e) + ROUNDER} holding n. The
     * polynomial goes by Estrin's scheme, in pairs and powers of r, rather than Horner's chain of five
     * FMAs each waiting on the last: the same Cephes coefficients, 10% faster, within 1 ulp.
     */
    private static FloatVector expOfRemainder(FloatVector xc, FloatVector t) {
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(MINUS_LN2_LO, n.fma(MINUS_LN2_HI, xc));
        FloatVector r2 = r.mul(r);
        FloatVector p = r2.mul(r2).fma(r.fma(E5, E4), r2.fma(r.fma(E3, E2), r.fma(E1, E0)));
        return p.mul(r).fma(r, r).add(ONE);
    }

    /** e^-x stays finite and normal for x in this range, and 1 / (1 + e^-x) is 0 or 1 to float precision past it. */
    private static final FloatVector SIGMOID_MIN = c(-87f), SIGMOID_MAX = c(87f);

    /**
     * {@code 1 / (1 + e^-x)}. The argument is clamped to [-87, 87], so 2^n is one float factor and
     * no end needs a blend: GELU-tanh, which computes this for every activation of a GPT-2 MLP,
     * runs 30% faster than through {@link #exp}. Below -87 the result is 1.6e-38 instead of a
     * subnormal or 0; NaN stays NaN.
     */
    static FloatVector sigmoid(FloatVector x) {
        // Clamped by blends, as exp is: max and min cost six instructions each for NaN and signed-zero
        // rules that change nothing here (NaN compares false and stays).
        FloatVector xn = x.neg();
        FloatVector xc = xn.blend(SIGMOID_MIN, xn.compare(VectorOperators.LT, SIGMOID_MIN))
                .blend(SIGMOID_MAX, xn.compare(VectorOperators.GT, SIGMOID_MAX));
        FloatVector t = xc.fma(LOG2E, ROUNDER);
        IntVector k = t.reinterpretAsInts().sub(ROUNDER_BITS);
        FloatVector e = expOfRemainder(xc, t).mul(k.add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        return ONE.div(e.add(ONE));
    }

    private static final float SQRT_HALF = 0.707106781186547524f;
    private static final float[] LOG_POLY = {1.1676998740e-1f, -1.2420140846e-1f, 1.4249322787e-1f,
            -1.6668057665e-1f, 2.0000714765e-1f, -2.4999993993e-1f, 3.3333331174e-1f};

    /** Natural log; -inf at 0, NaN below 0 and at NaN, +inf at +inf. */
    static FloatVector log(FloatVector x) {
        // Subnormals are scaled into the normal range first, their exponent corrected below.
        var tiny = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(8388608f), tiny);
        IntVector bits = xs.reinterpretAsInts();
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(126);
        e = e.blend(e.sub(23), tiny.cast(I));
        // m in [0.5, 1), then moved to [sqrt(1/2) - 1, sqrt(2) - 1) around zero.
        FloatVector m = bits.and(0x007fffff).or(0x3f000000).reinterpretAsFloats();
        var low = m.compare(VectorOperators.LT, SQRT_HALF);
        FloatVector ef = (FloatVector) e.convert(VectorOperators.I2F, 0);
        ef = ef.blend(ef.sub(1f), low);
        m = m.blend(m.add(m), low).sub(1f);
        FloatVector out = ef.fma(MINUS_LN2_HI.neg(), m.add(logRemainder(m, ef)));
        out = out.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        out = out.blend(Float.NaN, x.compare(VectorOperators.LT, 0f).or(x.test(VectorOperators.IS_NAN)));
        return out.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
    }

    /**
     * {@code log(1 + m) - m} plus the low part of {@code e ln 2}. A method of its own to keep
     * {@link #log} under C2's inlining limit (a vector passed to a call that is not inlined is boxed).
     */
    private static FloatVector logRemainder(FloatVector m, FloatVector e) {
        FloatVector z = m.mul(m);
        FloatVector y = mad(m, 7.0376836292e-2f, -1.1514610310e-1f);
        for (float c : LOG_POLY) y = mad(y, m, c);
        y = y.mul(m).mul(z);
        y = e.fma(MINUS_LN2_LO.neg(), y);
        return z.fma(z.broadcast(-0.5f), y);
    }

    /** log(1 + x) for x in [0, 1], with the rounding of 1 + x corrected to first order. */
    static FloatVector log1pUnit(FloatVector x) {
        FloatVector u = x.add(1f);
        return log(u).sub(u.sub(1f).sub(x).div(u));
    }

    /** tanh: Cephes' odd polynomial below 0.625, {@code 1 - 2 / (e^{2|x|} + 1)} above. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = x.mul(x);
        FloatVector small = mad(z, -5.70498872745e-3f, 2.06390887954e-2f);
        small = mad(small, z, -5.37397155531e-2f);
        small = mad(small, z, 1.33314422036e-1f);
        small = mad(small, z, -3.33332819422e-1f);
        small = small.mul(z).fma(x, x);
        FloatVector large = ONE.sub(TWO.div(exp(a.add(a)).add(ONE)));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        // Below 2^-12, x itself is tanh x rounded (and keeps the sign of zero).
        return large.blend(small, a.compare(VectorOperators.LE, 0.625f).or(x.test(VectorOperators.IS_NAN)))
                .blend(x, a.compare(VectorOperators.LT, 0x1p-12f));
    }

    /** {@code a * b + c} in one rounding. */
    private static FloatVector mad(FloatVector a, FloatVector b, float c) {
        return a.fma(b, a.broadcast(c));
    }

    private static FloatVector mad(FloatVector a, float b, float c) {
        return a.fma(a.broadcast(b), a.broadcast(c));
    }
}
