package dev.pmcj.theory;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.commons.math3.random.Well19937c;

/** Properties 4-7 of pmc.md section 6: curated retraining. */
class CuratedProperties {
    static final int TRIES = 15;

    @Provide
    Arbitrary<Settings.Curated> curated() {
        return Settings.curated(6, 6, 8);
    }

    /** 4. Under the exact update E[e^r] never decreases and obeys the variance bound. */
    @Property(tries = TRIES)
    void expRewardNeverDecreasesAndObeysVarianceBound(@ForAll("curated") Settings.Curated s) {
        TheoryChecks.expRewardIncreasesWithVarianceBound(CuratedUpdate.bradleyTerry(s.k(), s.rewards()), s.k(), s.rewards(), s.p0(), 40);
    }

    /** 5. The limit is p0 restricted to the highest-reward set, renormalised: KL to it goes to 0. */
    @Property(tries = TRIES)
    void limitIsInitialRestrictedToTopRewards(@ForAll("curated") Settings.Curated s) {
        TheoryChecks.convergesToRestrictedInitial(CuratedUpdate.bradleyTerry(s.k(), s.rewards()), s.rewards(), s.p0(), 5000);
    }

    /** 6. Bradley-Terry selection with temperature going to 0 equals argmax (exact and finite-sample). */
    @Property(tries = TRIES)
    void bradleyTerryAtZeroTemperatureIsArgmax(@ForAll("curated") Settings.Curated s) {
        TheoryChecks.bradleyTerryTendsToArgmax(Selection.BradleyTerry::new, sel -> new SampledCuration(s.k(), s.rewards(), sel, 20), 20,
                s.k(), s.rewards(), s.p0(), 200, new Well19937c(s.seed()), TheoryChecks.ALPHA / TRIES);
    }

    @Provide
    Arbitrary<Settings.Curated> fewRewards() {
        return Settings.curated(2, 3, 4);
    }

    /** 7. With K going to infinity, p_t is proportional to p0 e^{t r}. */
    @Property(tries = TRIES)
    void largeKIsExponentialTilt(@ForAll("fewRewards") Settings.Curated s) {
        TheoryChecks.largeKGivesExponentialTilt(k -> CuratedUpdate.bradleyTerry(k, s.rewards()), new int[] {16, 64, 256},
                s.rewards(), s.p0(), 3);
    }
}
