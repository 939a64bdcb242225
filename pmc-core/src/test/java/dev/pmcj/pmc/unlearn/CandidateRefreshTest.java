package dev.pmcj.pmc.unlearn;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PMC's selection and cache rules, driven by a scripted sampler instead of a model. */
class CandidateRefreshTest {

    /** Hands out pre-written candidate lists per question, in order, and records who was asked. */
    static final class ScriptedSampler implements CandidateRefresh.Sampler {
        final Map<Integer, List<List<String>>> script;
        final List<Integer> asked = new ArrayList<>();
        final int[] calls = new int[16];

        ScriptedSampler(Map<Integer, List<List<String>>> script) {
            this.script = script;
        }

        @Override
        public List<List<String>> sample(List<Integer> questions, int n) {
            List<List<String>> out = new ArrayList<>();
            for (int q : questions) {
                asked.add(q);
                List<String> c = script.get(q).get(calls[q]++);
                assertEquals(n, c.size(), "script gives n candidates");
                out.add(c);
            }
            return out;
        }
    }

    /** Score = the number written in the candidate text, e.g. "0.5" scores 0.5. */
    static final CandidateRefresh.Scorer NUMERIC = (q, c) -> Double.parseDouble(c.split(" ")[0]);

    @Test
    void argminTakesFirstIndexOnTies() {
        var sampler = new ScriptedSampler(Map.of(0, List.of(List.of("0.7 a", "0.3 first", "0.3 second", "0.9 d"))));
        var cache = new CandidateCache(1);
        new CandidateRefresh(sampler, NUMERIC, 4, new Selection.Argmin()).refresh(new int[]{0}, cache, new SplittableRandom(1));
        assertEquals("0.3 first", cache.get(0).answer());
        assertEquals(0.3, cache.get(0).score());
    }

    @Test
    void keepBestRuleNeverMovesBackAndAcceptsEqualScores() {
        var sampler = new ScriptedSampler(Map.of(0, List.of(
                List.of("0.5 a", "0.6 b"),
                List.of("0.8 worse", "0.9 worse"),
                List.of("0.5 equal", "0.7 c"),
                List.of("0.2 better", "0.4 d"))));
        var cache = new CandidateCache(1);
        var refresh = new CandidateRefresh(sampler, NUMERIC, 2, new Selection.Argmin());
        var rng = new SplittableRandom(2);
        refresh.refresh(new int[]{0}, cache, rng);
        assertEquals("0.5 a", cache.get(0).answer());
        refresh.refresh(new int[]{0}, cache, rng);
        assertEquals("0.5 a", cache.get(0).answer(), "a worse selection is not kept");
        refresh.refresh(new int[]{0}, cache, rng);
        assertEquals("0.5 equal", cache.get(0).answer(), "an equal score replaces (<=)");
        refresh.refresh(new int[]{0}, cache, rng);
        assertEquals("0.2 better", cache.get(0).answer());
    }

    @Test
    void questionsAtScoreZeroAreNotResampled() {
        var sampler = new ScriptedSampler(Map.of(
                0, List.of(List.of("0 done", "0.5 x")),
                1, List.of(List.of("0.4 y", "0.6 z"), List.of("0.1 w", "0.3 v"))));
        var cache = new CandidateCache(2);
        var refresh = new CandidateRefresh(sampler, NUMERIC, 2, new Selection.Argmin());
        var rng = new SplittableRandom(3);
        assertEquals(2, refresh.refresh(new int[]{0, 1}, cache, rng));
        assertEquals(1, refresh.refresh(new int[]{0, 1}, cache, rng), "question 0 reached 0 and is skipped");
        assertEquals(List.of(0, 1, 1), sampler.asked);
        assertEquals("0 done", cache.get(0).answer());
        assertEquals("0.1 w", cache.get(1).answer());
        assertEquals(0, refresh.refresh(new int[]{0}, cache, rng), "nothing to sample");
    }

    @Test
    void untouchedQuestionsStayEmpty() {
        var cache = new CandidateCache(3);
        var sampler = new ScriptedSampler(Map.of(2, List.of(List.of("0.4 a"))));
        new CandidateRefresh(sampler, NUMERIC, 1, new Selection.Argmin()).refresh(new int[]{2}, cache, new SplittableRandom(4));
        assertNull(cache.get(0));
        assertTrue(cache.needsSampling(0));
        assertEquals(0.4, cache.meanScore(), 1e-12);
    }

    @Property(tries = 200)
    void bradleyTerryAtTinyTemperatureIsArgmin(@ForAll @Size(min = 1, max = 12) List<@DoubleRange(min = 0, max = 1) Double> raw,
                                               @ForAll long seed) {
        double[] scores = raw.stream().mapToDouble(Double::doubleValue).toArray();
        int argmin = new Selection.Argmin().choose(scores, null);
        int bt = new Selection.BradleyTerry(1e-9).choose(scores, new SplittableRandom(seed));
        assertEquals(scores[argmin], scores[bt], 0.0, "tau -> 0 picks a lowest score");
        assertEquals(argmin, new Selection.BradleyTerry(0).choose(scores, new SplittableRandom(seed)));
    }

    @Test
    void bradleyTerryFollowsExpRewardOverTau() {
        double[] scores = {0.0, 0.5, 1.0};
        double tau = 0.5;
        int[] counts = new int[3];
        var rng = new SplittableRandom(5);
        int n = 200_000;
        for (int i = 0; i < n; i++) counts[new Selection.BradleyTerry(tau).choose(scores, rng)]++;
        double z = Math.exp(1 / tau) + Math.exp(0.5 / tau) + 1;
        double[] expected = {Math.exp(1 / tau) / z, Math.exp(0.5 / tau) / z, 1 / z};
        for (int k = 0; k < 3; k++) {
            // 6 binomial standard deviations: false alarm below 1e-8 per category.
            double sd = Math.sqrt(expected[k] * (1 - expected[k]) / n);
            assertEquals(expected[k], counts[k] / (double) n, 6 * sd, "category " + k);
        }
    }

    @Test
    void lengthPenaltyAddsExpMinusWordsCappedAtOne() {
        var off = new LengthPenalty(0);
        assertEquals(0.2, off.apply(0.2, ""), 0);
        var on = new LengthPenalty(3);
        assertEquals(0.2 + Math.exp(-2), on.apply(0.2, "two words"), 1e-12);
        assertEquals(1.0, on.apply(0.5, ""), 0, "empty: +1, capped at 1");
        assertEquals(0.2, on.apply(0.2, "three whole words"), 0);
    }
}
