package dev.pmcj.theory;

import dev.pmcj.theory.stats.Tolerance;
import org.apache.commons.math3.random.RandomGenerator;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The eight properties of pmc.md section 6 as checks on a process under test. Each throws AssertionError
 * when the process contradicts the theory. Statistical checks take their false-alarm probability
 * {@code alpha} and split it over their sub-checks (Bonferroni); exact checks allow only rounding.
 * The properties run them on the real processes, and BrokenProcessTest on deliberately broken ones.
 */
final class TheoryChecks {
    /** False-alarm probability allowed per property (over all its tries). */
    static final double ALPHA = 1e-6;
    static final double ROUNDING = 1e-9;

    private TheoryChecks() {}

    /**
     * 1. Outside the retain set, E[forget mass_t] = rho^t m_0 (Bernstein with the exact variance, per round),
     * and every run's forget mass is exactly 0 by a horizon where P(some run survives) <= alpha/2, by Markov's
     * inequality on the surviving draw count: P(X_t >= 1) <= E[X_t] = (N + C) rho^t m_0.
     */
    static void forgetMassDecays(RefitProcess process, Collapse theory, Categorical p0, int forget, int runs, int rounds,
                                 RandomGenerator rng, double alpha) {
        int[] c = theory.retainCounts();
        for (int i = 0; i < forget; i++) assertEquals(0, c[i], "forget categories carry no retain data");
        double m0 = p0.mass(0, forget);
        double rho = theory.rho();
        int horizon = rounds;
        while (runs * (theory.samples() + theory.retainTotal()) * Math.pow(rho, horizon) * m0 > alpha / 2) horizon++;
        double[] sum = new double[rounds + 1];
        for (int run = 0; run < runs; run++) {
            Categorical p = p0;
            for (int t = 1; t <= horizon; t++) {
                p = process.step(p, rng);
                double f = p.mass(0, forget);
                if (t <= rounds) sum[t] += f;
                else if (f == 0) break;
                if (t == horizon && f != 0)
                    fail("run " + run + ": forget mass " + f + " at round " + horizon + ", where P(mass > 0) <= " + alpha / 2 / runs);
            }
        }
        CollapseTheory.Moments moments = CollapseTheory.moments(m0, 0, theory, rounds);
        double perRound = Tolerance.perCheck(alpha / 2, rounds);
        for (int t = 1; t <= rounds; t++) {
            double mean = sum[t] / runs;
            double expected = m0 * Math.pow(rho, t);
            double tol = Tolerance.bernstein(moments.variance()[t], 1, runs, perRound);
            if (Math.abs(mean - expected) > tol)
                fail("round " + t + ": mean forget mass " + mean + ", expected rho^t m0 = " + expected + " +- " + tol + " (rho " + rho + ")");
        }
    }

    /** 2. At a round where rho^T <= 1e-3, the mean of each retain share is c_i / sum c within the Bernstein tolerance plus rho^T. */
    static void retainSharesConverge(RefitProcess process, Collapse theory, Categorical p0, int runs, RandomGenerator rng, double alpha) {
        double rho = theory.rho();
        int rounds = Math.max(1, (int) Math.ceil(Math.log(1e-3) / Math.log(rho)));
        double[] sum = new double[p0.size()];
        for (int run = 0; run < runs; run++) {
            Categorical last = process.trajectory(p0, rounds, rng)[rounds];
            for (int i = 0; i < sum.length; i++) sum[i] += last.p(i);
        }
        int[] c = theory.retainCounts();
        int retained = (int) Arrays.stream(c).filter(x -> x > 0).count();
        for (int i = 0; i < c.length; i++) {
            if (c[i] == 0) continue;
            double limit = c[i] / (double) theory.retainTotal();
            double variance = CollapseTheory.moments(p0.p(i), c[i], theory, rounds).variance()[rounds];
            double tol = Tolerance.bernstein(variance, 1, runs, Tolerance.perCheck(alpha, retained))
                    + Math.pow(rho, rounds) * Math.abs(p0.p(i) - limit);
            double mean = sum[i] / runs;
            if (Math.abs(mean - limit) > tol)
                fail("category " + i + ": mean share " + mean + " at round " + rounds + ", expected c_i/sum c = " + limit + " +- " + tol);
        }
    }

    /** 3. Every run ends with one category holding all the mass; category i wins Binomial(runs, p0(i)) times (exact test). */
    static void oneSurvivorWinsWithInitialProbability(RefitProcess process, Categorical p0, int runs, int maxRounds,
                                                      RandomGenerator rng, double alpha) {
        int[] wins = new int[p0.size()];
        for (int run = 0; run < runs; run++) {
            Categorical p = p0;
            int winner = survivor(p);
            for (int t = 0; winner < 0; t++) {
                if (t == maxRounds) fail("run " + run + " has no single survivor after " + maxRounds + " rounds: " + p);
                p = process.step(p, rng);
                winner = survivor(p);
            }
            wins[winner]++;
        }
        for (int i = 0; i < wins.length; i++) {
            Tolerance.Interval ok = Tolerance.binomial(runs, p0.p(i), Tolerance.perCheck(alpha, wins.length));
            if (!ok.contains(wins[i]))
                fail("category " + i + " won " + wins[i] + " of " + runs + " runs, expected Binomial(" + runs + ", " + p0.p(i)
                        + ") in [" + ok.lo() + ", " + ok.hi() + "]; wins " + Arrays.toString(wins));
        }
    }

    private static int survivor(Categorical p) {
        for (int i = 0; i < p.size(); i++) if (p.p(i) == 1.0) return i;
        return -1;
    }

    /** 4. E[e^r] never decreases, and E_{t+1} >= E_t + ((K-1)/K) Var_t[e^r] / e^{r*}. */
    static void expRewardIncreasesWithVarianceBound(RefitProcess update, int k, double[] rewards, Categorical p0, int rounds) {
        double[] w = Arrays.stream(rewards).map(Math::exp).toArray();
        double top = Arrays.stream(w).max().orElseThrow();
        Categorical p = p0;
        for (int t = 0; t < rounds; t++) {
            Categorical next = update.step(p, null);
            double now = p.mean(w), after = next.mean(w);
            double bound = now + (k - 1.0) / k * p.variance(w) / top;
            if (after < now - ROUNDING * top) fail("round " + t + ": E[e^r] fell from " + now + " to " + after);
            if (after < bound - ROUNDING * top) fail("round " + t + ": E[e^r] = " + after + " below the bound " + bound);
            p = next;
        }
    }

    /**
     * 5. The limit is p0 restricted to the highest-reward set: the top mass M_t never falls, the shares inside
     * the top set stay those of p0, and KL(limit || p_t) = -log M_t reaches 1e-9 within maxRounds.
     */
    static void convergesToRestrictedInitial(RefitProcess update, double[] rewards, Categorical p0, int maxRounds) {
        double top = Arrays.stream(rewards).max().orElseThrow();
        double m0 = topMass(p0, rewards, top);
        double[] limit = new double[p0.size()];
        for (int i = 0; i < limit.length; i++) limit[i] = rewards[i] == top ? p0.p(i) / m0 : 0;
        Categorical p = p0;
        double mass = m0;
        for (int t = 1; kl(limit, p) > 1e-9; t++) {
            if (t > maxRounds) fail("KL to p0 restricted to the top set is still " + kl(limit, p) + " after " + maxRounds + " rounds: " + p);
            p = update.step(p, null);
            double next = topMass(p, rewards, top);
            if (next < mass - ROUNDING) fail("round " + t + ": top-reward mass fell from " + mass + " to " + next);
            mass = next;
            for (int i = 0; i < limit.length; i++)
                if (limit[i] > 0 && Math.abs(p.p(i) / mass - limit[i]) > 1e-9)
                    fail("round " + t + ": share of top category " + i + " inside the top set is " + p.p(i) / mass + ", p0 gives " + limit[i]);
        }
    }

    private static double topMass(Categorical p, double[] rewards, double top) {
        double m = 0;
        for (int i = 0; i < rewards.length; i++) if (rewards[i] == top) m += p.p(i);
        return m;
    }

    static double kl(double[] p, Categorical q) {
        double d = 0;
        for (int i = 0; i < p.length; i++) if (p[i] > 0) d += p[i] * Math.log(p[i] / q.p(i));
        return d;
    }

    /**
     * 6. The exact Bradley-Terry update at temperature tau is within K (K-1) e^{-g/tau} of the argmax update
     * (g: the smallest reward gap), for decreasing tau down to where that bound is below 1e-9; and one round of the
     * finite-sample process ({@code sampledFor}, keeping {@code refitSamples} samples) matches the exact update: the count of category x over runs x M kept samples is
     * Binomial(runs M, p0(x) H(x)), for argmax and for temperature 1.
     */
    static void bradleyTerryTendsToArgmax(DoubleFunction<Selection> bradleyTerry, Function<Selection, RefitProcess> sampledFor,
                                          int refitSamples, int k, double[] rewards, Categorical p0, int runs,
                                          RandomGenerator rng, double alpha) {
        double[] distinct = Arrays.stream(rewards).distinct().sorted().toArray();
        double gap = Double.POSITIVE_INFINITY;
        for (int j = 1; j < distinct.length; j++) gap = Math.min(gap, distinct[j] - distinct[j - 1]);
        double[] argmax = new CuratedUpdate(k, rewards, new Selection.Argmax()).gain(p0);
        if (Double.isFinite(gap)) {
            for (double tau = gap; ; tau /= 2) {
                double[] h = new CuratedUpdate(k, rewards, bradleyTerry.apply(tau)).gain(p0);
                double bound = k * (k - 1.0) * Math.exp(-gap / tau);
                for (int x = 0; x < h.length; x++)
                    if (Math.abs(h[x] - argmax[x]) > bound + ROUNDING)
                        fail("tau " + tau + ", category " + x + ": H = " + h[x] + ", argmax H = " + argmax[x] + ", allowed " + bound);
                if (bound <= 1e-9) break;
            }
        }
        for (Selection selection : List.of(new Selection.Argmax(), bradleyTerry.apply(1)))
            matchesExactUpdate(sampledFor.apply(selection), refitSamples, new CuratedUpdate(k, rewards, selection), p0, runs, rng, alpha / 2);
    }

    /** One round of {@code sampled} (which keeps {@code m} samples) from p0, over many runs, against the exact update. */
    private static void matchesExactUpdate(RefitProcess sampled, int m, CuratedUpdate exact, Categorical p0, int runs,
                                           RandomGenerator rng, double alpha) {
        double[] h = exact.gain(p0);
        long[] counts = new long[p0.size()];
        for (int run = 0; run < runs; run++) {
            Categorical p = sampled.step(p0, rng);
            for (int x = 0; x < counts.length; x++) counts[x] += Math.round(p.p(x) * m);
        }
        for (int x = 0; x < counts.length; x++) {
            double prob = Math.min(1, p0.p(x) * h[x]);
            Tolerance.Interval ok = Tolerance.binomial(runs * m, prob, Tolerance.perCheck(alpha, counts.length));
            if (!ok.contains((int) counts[x]))
                fail(exact.selection() + ": category " + x + " kept " + counts[x] + " times of " + runs * m
                        + ", exact update gives p H = " + prob + ", allowed [" + ok.lo() + ", " + ok.hi() + "]");
        }
    }

    /**
     * 7. With K candidates, p_t is within (U/L)^t - 1 in L1 of p0 e^{t r} / Z, where each round's gain is
     * e^{r(x)} / E_p[e^r] times a factor in [L, U]: with w = e^{r - r_min} in [1, W], delta = (W - 1)/K and
     * sigma^2 = (W - 1)^2 / 4 (Popoviciu), L = 1/(1 + delta) (Jensen) and U = (1 + sigma^2/(K-1))/(1 - delta)
     * (second-order remainder of 1/(a + S) with S >= K - 1). The bound goes to 0 as K grows.
     */
    static void largeKGivesExponentialTilt(IntFunction<RefitProcess> updateForK, int[] ks, double[] rewards, Categorical p0, int rounds) {
        double min = Arrays.stream(rewards).min().orElseThrow(), max = Arrays.stream(rewards).max().orElseThrow();
        double bigW = Math.exp(max - min);
        for (int k : ks) {
            double delta = (bigW - 1) / k;
            double ratio = (1 + (bigW - 1) * (bigW - 1) / 4 / (k - 1)) * (1 + delta) / (1 - delta);
            RefitProcess update = updateForK.apply(k);
            Categorical p = p0;
            for (int t = 1; t <= rounds; t++) {
                p = update.step(p, null);
                double[] tilt = new double[p0.size()];
                for (int i = 0; i < tilt.length; i++) tilt[i] = p0.p(i) * Math.exp(t * (rewards[i] - max));
                Categorical q = Categorical.fromCounts(tilt);
                double l1 = 0;
                for (int i = 0; i < tilt.length; i++) l1 += Math.abs(p.p(i) - q.p(i));
                double bound = Math.pow(ratio, t) - 1 + ROUNDING;
                if (l1 > bound) fail("K " + k + ", round " + t + ": L1 distance to p0 e^{tr}/Z is " + l1 + " > " + bound);
            }
        }
    }

    /**
     * 8. Per-question PMC: every round, each retain conditional equals its data distribution; each forget question's
     * E[e^r] never falls and reaches e^{r*} with Var[e^r] -> 0 (both within 1e-9 relative) by maxRounds.
     */
    static void pmcForgetsAndRetains(PerQuestionPmc pmc, int maxRounds, RandomGenerator rng) {
        List<Categorical> state = pmc.initialState();
        List<Question> questions = pmc.questions();
        for (int t = 1; ; t++) {
            List<Categorical> next = pmc.step(state, rng);
            boolean converged = true;
            for (int q = 0; q < questions.size(); q++) {
                switch (questions.get(q)) {
                    case Question.Retain r -> {
                        double[] want = r.dataDistribution().toArray();
                        for (int i = 0; i < want.length; i++)
                            if (Math.abs(next.get(q).p(i) - want[i]) > 1e-12)
                                fail("round " + t + ", retain question " + r.name() + ": " + next.get(q) + " is not its data distribution "
                                        + Arrays.toString(want));
                    }
                    case Question.Forget f -> {
                        double[] w = f.expRewards();
                        double top = f.topExpReward();
                        if (next.get(q).mean(w) < state.get(q).mean(w) - ROUNDING * top)
                            fail("round " + t + ", forget question " + f.name() + ": E[e^r] fell");
                        converged &= top - next.get(q).mean(w) <= 1e-9 * top && next.get(q).variance(w) <= 1e-9 * top * top;
                    }
                }
            }
            state = next;
            if (converged) return;
            if (t == maxRounds) fail("forget questions have not reached e^{r*} after " + maxRounds + " rounds: " + state);
        }
    }

    static void assertFails(Runnable check, String expectedPhrase) {
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, check::run);
        assertTrue(e.getMessage().contains(expectedPhrase), () -> "failed for another reason: " + e.getMessage());
    }
}
