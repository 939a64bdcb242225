package dev.pmcj.theory;

import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.pmcj.theory.TheoryChecks.ALPHA;
import static dev.pmcj.theory.TheoryChecks.assertFails;

/** Each property's check, with the tolerances the properties use, rejects a deliberately broken process. */
class BrokenProcessTest {
    private static final int[] BLOG = {5, 10, 20, 15, 10, 10, 5, 10, 10, 5};
    private static final Categorical BLOG_P0 = Categorical.fromCounts(BLOG);
    private static final Collapse BLOG_PARTIAL = Collapse.partial(100, new int[] {0, 0, 0, 15, 10, 10, 5, 10, 10, 5});

    @Test
    void property1RejectsWrongRho() {
        // Retain data counted twice: rho = 100/230 instead of 100/165.
        Collapse doubled = Collapse.partial(100, new int[] {0, 0, 0, 30, 20, 20, 10, 20, 20, 10});
        assertFails(() -> TheoryChecks.forgetMassDecays(doubled, BLOG_PARTIAL, BLOG_P0, 3, 300, 10, new Well19937c(1), ALPHA),
                "mean forget mass");
    }

    @Test
    void property1RejectsSmoothingThatNeverReachesZero() {
        // Add-one-half smoothing on every category: the forget mass keeps rho^t m0 roughly but never dies out.
        RefitProcess smoothed = (p, rng) -> {
            int[] c = p.sampleCounts(100, rng);
            double[] counts = new double[c.length];
            for (int i = 0; i < c.length; i++) counts[i] = c[i] + BLOG_PARTIAL.retainCounts()[i] + 0.5;
            return Categorical.fromCounts(counts);
        };
        assertFails(() -> TheoryChecks.forgetMassDecays(smoothed, BLOG_PARTIAL, BLOG_P0, 3, 300, 10, new Well19937c(2), ALPHA),
                "forget mass");
    }

    @Test
    void property2RejectsDroppedRetainCounts() {
        Collapse dropped = Collapse.total(100, BLOG.length);
        assertFails(() -> TheoryChecks.retainSharesConverge(dropped, BLOG_PARTIAL, BLOG_P0, 300, new Well19937c(3), ALPHA),
                "mean share");
    }

    @Test
    void property3RejectsSharpenedSampling() {
        // Sampling at temperature 1/2 (p^2 renormalised) favours the leader: winners no longer follow p0.
        Collapse total = Collapse.total(20, 3);
        RefitProcess sharpened = (p, rng) -> {
            double[] sq = p.toArray();
            for (int i = 0; i < sq.length; i++) sq[i] *= sq[i];
            return total.step(Categorical.fromCounts(sq), rng);
        };
        assertFails(() -> TheoryChecks.oneSurvivorWinsWithInitialProbability(sharpened, Categorical.of(0.5, 0.3, 0.2), 400, 100_000,
                new Well19937c(4), ALPHA), "won");
    }

    private static final double[] REWARDS = {0, 0.4, 1, 1};
    private static final Categorical P0 = Categorical.of(0.5, 0.3, 0.15, 0.05);

    @Test
    void property4RejectsFlippedRewardSign() {
        CuratedUpdate flipped = CuratedUpdate.bradleyTerry(4, new double[] {0, -0.4, -1, -1});
        assertFails(() -> TheoryChecks.expRewardIncreasesWithVarianceBound(flipped, 4, REWARDS, P0, 40), "fell");
    }

    @Test
    void property5RejectsAnchorLeakingIntoForgetQuestions() {
        // 10% of the original distribution mixed back in every round: the limit keeps mass off the top set.
        CuratedUpdate update = CuratedUpdate.bradleyTerry(4, REWARDS);
        RefitProcess anchored = (p, rng) -> {
            double[] next = update.step(p).toArray();
            for (int i = 0; i < next.length; i++) next[i] = 0.9 * next[i] + 0.1 * P0.p(i);
            return Categorical.fromCounts(next);
        };
        assertFails(() -> TheoryChecks.convergesToRestrictedInitial(anchored, REWARDS, P0, 5000), "still");
    }

    @Test
    void property6RejectsTemperatureAppliedAsMultiplier() {
        // exp(r * tau) instead of exp(r / tau): tau -> 0 tends to uniform choice, not argmax.
        assertFails(() -> TheoryChecks.bradleyTerryTendsToArgmax(tau -> new Selection.BradleyTerry(1 / tau),
                sel -> new SampledCuration(4, REWARDS, sel, 20), 20, 4, REWARDS, P0, 200, new Well19937c(6), ALPHA), "tau");
    }

    @Test
    void property6RejectsFiniteSampleSelectionThatIgnoresRewards() {
        // Exact updates right, but the finite-sample process picks almost uniformly (temperature 1e6) whatever it is asked.
        assertFails(() -> TheoryChecks.bradleyTerryTendsToArgmax(Selection.BradleyTerry::new,
                sel -> new SampledCuration(4, REWARDS, new Selection.BradleyTerry(1e6), 20), 20, 4, REWARDS, P0, 200,
                new Well19937c(7), ALPHA), "kept");
    }

    @Test
    void property7RejectsHalvedReward() {
        double[] rewards = {0, 0.5, 1};
        Categorical p0 = Categorical.of(1 / 3.0, 1 / 3.0, 1 / 3.0);
        assertFails(() -> TheoryChecks.largeKGivesExponentialTilt(k -> new CuratedUpdate(k, rewards, new Selection.BradleyTerry(2)),
                new int[] {16, 64, 256}, rewards, p0, 3), "L1 distance");
    }

    private static final List<Question> QUESTIONS = List.of(
            new Question.Forget("f", P0, REWARDS),
            new Question.Retain("r", Categorical.of(0.25, 0.25, 0.5), new int[] {6, 3, 1}));

    @Test
    void property8RejectsForgetQuestionsWithoutCuration() {
        // One candidate per sample (K = 1): self-training without selection does not move the forget question.
        assertFails(() -> TheoryChecks.pmcForgetsAndRetains(new PerQuestionPmc(QUESTIONS, r -> CuratedUpdate.bradleyTerry(1, r)), 5000, null),
                "not reached");
    }
}
