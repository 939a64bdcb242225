package dev.pmcj.theory.stats;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToleranceTest {
    @Test
    void bernsteinIsTighterThanHoeffdingForSmallVarianceAndManySamples() {
        assertTrue(Tolerance.bernstein(1e-3, 1, 2000, 1e-6) < Tolerance.hoeffding(2, 2000, 1e-6) / 3);
    }

    /** The Bernstein tolerance solves 2 exp(-n e^2 / (2 v + 2 b e / 3)) = alpha. */
    @Property(tries = 100)
    void bernsteinSolvesItsTailBound(@ForAll @DoubleRange(min = 1e-6, max = 0.25) @Scale(9) double variance,
                                     @ForAll @IntRange(min = 1, max = 100_000) int n,
                                     @ForAll @DoubleRange(min = 1e-9, max = 0.1) @Scale(12) double alpha) {
        double e = Tolerance.bernstein(variance, 1, n, alpha);
        assertEquals(alpha, 2 * Math.exp(-n * e * e / (2 * variance + 2 * e / 3)), 1e-9 * alpha);
    }

    @Property(tries = 100)
    void binomialIntervalHasAtMostAlphaOutside(@ForAll @IntRange(min = 1, max = 5000) int trials,
                                               @ForAll @DoubleRange(min = 0, max = 1) @Scale(6) double p,
                                               @ForAll @DoubleRange(min = 1e-8, max = 0.2) @Scale(12) double alpha) {
        Tolerance.Interval i = Tolerance.binomial(trials, p, alpha);
        BinomialDistribution b = new BinomialDistribution(null, trials, p);
        double outside = (i.lo() > 0 ? b.cumulativeProbability(i.lo() - 1) : 0) + (1 - b.cumulativeProbability(i.hi()));
        assertTrue(outside <= alpha * (1 + 1e-9) + 1e-15, "mass outside [" + i.lo() + ", " + i.hi() + "] = " + outside);
    }

    @Test
    void chebyshevAndBonferroni() {
        assertEquals(Math.sqrt(0.25 / (100 * 0.01)), Tolerance.chebyshev(0.25, 100, 0.01), 1e-15);
        assertEquals(1e-7, Tolerance.perCheck(1e-6, 10), 1e-22);
        assertThrows(IllegalArgumentException.class, () -> Tolerance.bernstein(0.1, 1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> Tolerance.hoeffding(1, 0, 0.1));
    }
}
