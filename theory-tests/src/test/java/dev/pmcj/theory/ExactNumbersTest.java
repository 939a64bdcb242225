package dev.pmcj.theory;

import dev.pmcj.theory.stats.Tolerance;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The numbers of pmc.md section 6, reproduced. */
class ExactNumbersTest {
    static final int[] BLOG = {5, 10, 20, 15, 10, 10, 5, 10, 10, 5};
    static final Categorical BLOG_P0 = Categorical.fromCounts(BLOG);
    static final Collapse BLOG_PARTIAL = Collapse.partial(100, new int[] {0, 0, 0, 15, 10, 10, 5, 10, 10, 5});

    @Test
    void blogExpectedForgetMassIs035Times100Over165ToTheT() {
        assertEquals(100.0 / 165, BLOG_PARTIAL.rho(), 1e-15);
        assertEquals(0.35, BLOG_P0.mass(0, 3), 1e-15);
        CollapseTheory.Moments m = CollapseTheory.moments(0.35, 0, BLOG_PARTIAL, 40);
        for (int t = 0; t <= 40; t++) {
            double expected = 0.35 * Math.pow(100.0 / 165, t);
            assertEquals(expected, m.mean()[t], 1e-15 + 1e-12 * expected, "round " + t);
            assertEquals(expected, CollapseTheory.expectedForgetMass(0.35, BLOG_PARTIAL, t), 1e-15 + 1e-12 * expected);
        }
        assertEquals(0.0286, m.mean()[5], 5e-5);
    }

    @Test
    void blogSimulatedForgetMassFollowsTheCurve() {
        TheoryChecks.forgetMassDecays(BLOG_PARTIAL, BLOG_PARTIAL, BLOG_P0, 3, 2000, 40, new Well19937c(0), TheoryChecks.ALPHA);
    }

    @Test
    void blogMedianExtinctionRoundIs8() {
        double[] cdf = CollapseTheory.extinctionCdf(0.35, BLOG_PARTIAL, 40);
        assertEquals(8, CollapseTheory.medianExtinctionRound(cdf));
        // Consistency of the chain with Markov's bound P(alive at t) <= E[draw count] = 165 * 0.35 rho^t.
        for (int t = 1; t <= 40; t++) assertTrue(1 - cdf[t] <= 165 * 0.35 * Math.pow(100.0 / 165, t) + 1e-12, "round " + t);
    }

    @Test
    void blogSimulatedMedianExtinctionRoundIs8() {
        double[] cdf = CollapseTheory.extinctionCdf(0.35, BLOG_PARTIAL, 40);
        // The sample median of R runs is 8 unless >= R/2 runs die by round 7 or < R/2 by round 8 (exact binomials).
        // R = 2000 leaves 1.1e-5 of that; R = 4000 brings it under the 1e-6 false-alarm budget.
        int runs = 4000;
        double wrongMedian = 1 - new BinomialDistribution(null, runs, cdf[7]).cumulativeProbability(runs / 2 - 1)
                + new BinomialDistribution(null, runs, cdf[8]).cumulativeProbability(runs / 2 - 1);
        assertTrue(wrongMedian < TheoryChecks.ALPHA, "P(sample median != 8) = " + wrongMedian);
        Well19937c rng = new Well19937c(8);
        int[] extinct = new int[41];
        for (int r = 0; r < runs; r++) {
            Categorical p = BLOG_P0;
            int t = 0;
            while (p.mass(0, 3) > 0 && t < 40) {
                p = BLOG_PARTIAL.step(p, rng);
                t++;
            }
            if (p.mass(0, 3) == 0) extinct[t]++;
        }
        int cumulative = 0, median = -1;
        for (int t = 0; t <= 40 && median < 0; t++) if (2 * (cumulative += extinct[t]) >= runs) median = t;
        assertEquals(8, median);
    }

    @Test
    void blogRetainLimitIsCountsOver65() {
        int[] c = BLOG_PARTIAL.retainCounts();
        for (int i = 3; i < c.length; i++) {
            double limit = c[i] / 65.0;
            assertEquals(limit, CollapseTheory.moments(BLOG_P0.p(i), c[i], BLOG_PARTIAL, 200).mean()[200], 1e-12);
        }
        TheoryChecks.retainSharesConverge(BLOG_PARTIAL, BLOG_PARTIAL, BLOG_P0, 2000, new Well19937c(0), TheoryChecks.ALPHA);
    }

    @Test
    void blogMeanForgetMassAtRound5IsAbout00286() {
        int runs = 2000;
        double sum = 0;
        Well19937c rng = new Well19937c(5);
        for (int r = 0; r < runs; r++) sum += BLOG_PARTIAL.trajectory(BLOG_P0, 5, rng)[5].mass(0, 3);
        double variance = CollapseTheory.moments(0.35, 0, BLOG_PARTIAL, 5).variance()[5];
        assertEquals(0.35 * Math.pow(100.0 / 165, 5), sum / runs, Tolerance.bernstein(variance, 1, runs, TheoryChecks.ALPHA));
    }

    @Test
    void curatedExampleExpRewardSequenceAndLimit() {
        CuratedUpdate update = CuratedUpdate.bradleyTerry(4, new double[] {0, 0.4, 1, 1});
        double[] w = update.expRewards();
        Categorical[] p = update.trajectory(Categorical.of(0.5, 0.3, 0.15, 0.05), 200, null);
        int[] rounds = {0, 1, 2, 5, 10, 20, 30};
        double[] expected = {1.4912, 1.6843, 1.9076, 2.4660, 2.6972, 2.7181, 2.7183};
        for (int i = 0; i < rounds.length; i++)
            assertEquals(expected[i], Math.round(p[rounds[i]].mean(w) * 1e4) / 1e4, 1e-12, "E[e^r] at round " + rounds[i]);
        assertArrayEquals(new double[] {0, 0, 0.75, 0.25}, p[200].toArray(), 1e-12);
    }
}
