package dev.pmcj.theory;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.math3.random.Well19937c;

/** Properties 1-3 of pmc.md section 6: partial and total collapse. */
class CollapseProperties {
    static final int TRIES = 15;
    static final double ALPHA_PER_TRY = TheoryChecks.ALPHA / TRIES;

    @Provide
    Arbitrary<Settings.Partial> partial() {
        return Settings.partial(8, 60);
    }

    /** 1. Forget mass decays in expectation by rho = N / (N + sum c) per round and reaches exactly 0. */
    @Property(tries = TRIES)
    void forgetMassDecaysByRhoAndDiesOut(@ForAll("partial") Settings.Partial s) {
        TheoryChecks.forgetMassDecays(s.process(), s.process(), s.p0(), s.forget(), 300, 10, new Well19937c(s.seed()), ALPHA_PER_TRY);
    }

    /** 2. Retain shares converge to c_i / sum c. */
    @Property(tries = TRIES)
    void retainSharesConvergeToRetainData(@ForAll("partial") Settings.Partial s) {
        TheoryChecks.retainSharesConverge(s.process(), s.process(), s.p0(), 300, new Well19937c(s.seed()), ALPHA_PER_TRY);
    }

    @Provide
    Arbitrary<Categorical> initial() {
        return net.jqwik.api.Arbitraries.integers().between(2, 6).flatMap(Settings::distribution);
    }

    /** 3. Without retain data exactly one category survives, category i with probability p0(i). */
    @Property(tries = TRIES)
    void totalCollapseKeepsOneCategoryWonWithInitialProbability(@ForAll("initial") Categorical p0,
                                                                @ForAll @IntRange(min = 1, max = 40) int samples,
                                                                @ForAll long seed) {
        TheoryChecks.oneSurvivorWinsWithInitialProbability(Collapse.total(samples, p0.size()), p0, 400, 100_000,
                new Well19937c(seed), ALPHA_PER_TRY);
    }
}
