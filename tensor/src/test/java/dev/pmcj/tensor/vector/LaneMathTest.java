package dev.pmcj.tensor.vector;

import jdk.incubator.vector.FloatVector;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tier-independent lane functions against {@code Math}: within 1.5 ulp (Cephes measured 1.3). */
class LaneMathTest {
    private static final double MAX_ULP = 1.5;

    @Property(tries = 3000)
    void exp(@ForAll @FloatRange(min = -110f, max = 88.7f) float x) {
        assertUlps("exp", LaneMath::exp, Math::exp, x);
    }

    /** The same bits as {@link LaneMath#exp} wherever it applies (up to 88.72, and NaN), but 0 where that is subnormal. */
    @Property(tries = 3000)
    void expNonPositive(@ForAll @FloatRange(min = -200f, max = 88.72f) float x) {
        for (float v : new float[] {x, x * 1e-30f, -87.3f - Math.abs(x) / 10, Float.NEGATIVE_INFINITY, Float.NaN, -0f}) {
            float exp = one(LaneMath::exp, v);
            float want = exp < Float.MIN_NORMAL ? 0f : exp;
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(one(LaneMath::expNonPositive, v)), "expNonPositive(" + v + ")");
        }
    }

    /**
     * Lanes out of range (below -103.97, or below -87.34 for {@code expNonPositive}) are replaced
     * before and after the polynomial: each lane of a vector mixing them with others gets the bits
     * it gets alone.
     */
    @Property(tries = 1000)
    void expOfMixedLanes(@ForAll long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        float[] x = new float[FloatVector.SPECIES_PREFERRED.length()];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (rnd.nextInt(4)) {
                case 0 -> -87.3f - rnd.nextFloat() * 17f; // subnormal results
                case 1 -> Float.NEGATIVE_INFINITY;
                default -> -rnd.nextFloat() * 90f;
            };
        }
        FloatVector v = FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0);
        FloatVector all = LaneMath.exp(v), nonPositive = LaneMath.expNonPositive(v);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(one(LaneMath::exp, x[i])), Float.floatToRawIntBits(all.lane(i)), "exp(" + x[i] + ") in lane " + i);
            assertEquals(Float.floatToRawIntBits(one(LaneMath::expNonPositive, x[i])), Float.floatToRawIntBits(nonPositive.lane(i)),
                    "expNonPositive(" + x[i] + ") in lane " + i);
        }
    }

    @Property(tries = 3000)
    void log(@ForAll @FloatRange(min = 0f, max = 3e38f, minIncluded = false) float x) {
        assertUlps("log", LaneMath::log, Math::log, x);
    }

    @Property(tries = 3000)
    void logNearOne(@ForAll @FloatRange(min = 0.25f, max = 4f) float x) {
        assertUlps("log", LaneMath::log, Math::log, x);
    }

    @Property(tries = 3000)
    void tanh(@ForAll @FloatRange(min = -12f, max = 12f) float x) {
        assertUlps("tanh", LaneMath::tanh, Math::tanh, x);
    }

    /**
     * Within 2.5 ulp: e^-x's 1 ulp, then half an ulp each for the rounding of 1 + e^-x and of the
     * division (every third float of [-87, 120] checked: 2.48 at -16.64; random tries found 2.2
     * where the bound was 2). Clamped at -87: below it the result is 1.6e-38 rather than
     * subnormal, an absolute error under 2e-38.
     */
    @Property(tries = 3000)
    void sigmoid(@ForAll @FloatRange(min = -120f, max = 120f) float x) {
        if (x >= -87f) {
            assertUlps("sigmoid", LaneMath::sigmoid, v -> 1 / (1 + Math.exp(-v)), x, 2.5);
        } else {
            float got = one(LaneMath::sigmoid, x);
            assertTrue(got >= 0 && got < 2e-38f, "sigmoid(" + x + ") = " + got);
        }
    }

    @Property(tries = 3000)
    void log1pOfUnitInterval(@ForAll @FloatRange(min = 0f, max = 1f) float x) {
        assertUlps("log1p", LaneMath::log1pUnit, Math::log1p, x);
    }

    @Property(tries = 300)
    void sumAddsEveryLane(@ForAll @FloatRange(min = -1e3f, max = 1e3f) float a, @ForAll @FloatRange(min = -1f, max = 1f) float b) {
        float[] lanes = new float[FloatVector.SPECIES_PREFERRED.length()];
        double want = 0;
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = a + b * i * i;
            want += lanes[i];
        }
        float got = LaneMath.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, lanes, 0));
        assertTrue(Math.abs(got - want) <= 1e-6 * lanes.length * (Math.abs(a) + Math.abs(b) * 256), got + " vs " + want);
        float[] eight = java.util.Arrays.copyOf(lanes, 8);
        double want8 = 0;
        for (float f : eight) want8 += f;
        float got8 = LaneMath.sum256(FloatVector.fromArray(FloatVector.SPECIES_256, eight, 0));
        assertTrue(Math.abs(got8 - want8) <= 1e-5 * (Math.abs(a) + Math.abs(b) * 64), got8 + " vs " + want8);
    }

    @Property(tries = 300)
    void blockSumsHaveTheBitsOfSingleSums(@ForAll long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        FloatVector[] p = new FloatVector[8];
        for (int i = 0; i < 8; i++) {
            float[] lanes = new float[8];
            for (int l = 0; l < 8; l++) lanes[l] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3));
            p[i] = FloatVector.fromArray(FloatVector.SPECIES_256, lanes, 0);
        }
        FloatVector eight = LaneMath.sums8(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
        FloatVector scrambled = LaneMath.sums8Scrambled(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
        FloatVector four = LaneMath.sums4(p[0], p[1], p[2], p[3]);
        for (int i = 0; i < 8; i++) {
            float want = LaneMath.sum256(p[i]);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(eight.lane(i)), "sums8 lane " + i);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(scrambled.lane(LaneMath.SUMS8_LANE[i])),
                    "sums8Scrambled, p" + i);
            if (i < 4) assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(four.lane(i)), "sums4 lane " + i);
        }
    }

    @Example
    void specialValues() {
        float inf = Float.POSITIVE_INFINITY;
        float[] xs = {Float.NaN, inf, -inf, 0f, -0f, 89f, -104f, 1e-45f, -1f, 1e-10f, -1e-10f, Float.MAX_VALUE};
        for (float x : xs) {
            assertEquals((float) Math.exp(x), one(LaneMath::exp, x), "exp(" + x + ")");
            assertEquals((float) Math.tanh(x), one(LaneMath::tanh, x), "tanh(" + x + ")");
            if (x < 0 || Float.isNaN(x) || x == 0 || Float.isInfinite(x)) {
                assertEquals((float) Math.log(x), one(LaneMath::log, x), "log(" + x + ")");
            }
        }
    }

    @Example
    void sigmoidEnds() {
        assertEquals(Float.NaN, one(LaneMath::sigmoid, Float.NaN));
        assertEquals(0.5f, one(LaneMath::sigmoid, 0f));
        assertEquals(0.5f, one(LaneMath::sigmoid, -0f));
        assertEquals(1f, one(LaneMath::sigmoid, 100f));
        assertEquals(1f, one(LaneMath::sigmoid, Float.POSITIVE_INFINITY));
        float tiny = one(LaneMath::sigmoid, Float.NEGATIVE_INFINITY);
        assertTrue(tiny >= 0 && tiny < 2e-38f, "sigmoid(-inf) = " + tiny);
    }

    private static float one(UnaryOperator<FloatVector> f, float x) {
        return f.apply(FloatVector.broadcast(FloatVector.SPECIES_PREFERRED, x)).lane(0);
    }

    private static void assertUlps(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator reference, float x) {
        assertUlps(name, f, reference, x, MAX_ULP);
    }

    private static void assertUlps(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator reference, float x, double maxUlp) {
        double want = reference.applyAsDouble(x);
        float got = one(f, x);
        double ulp = Math.ulp(Math.max(Math.abs((float) want), Float.MIN_NORMAL));
        assertTrue(Math.abs(got - want) <= maxUlp * ulp,
                name + "(" + x + ") = " + got + ", want " + want + ": " + Math.abs(got - want) / ulp + " ulp");
    }
}
