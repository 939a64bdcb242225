package dev.pmcj.theory;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

/** Property 8 of pmc.md section 6: PMC per question. */
class PmcProperties {
    @Provide
    Arbitrary<List<Question>> questions() {
        return Settings.questions();
    }

    /** 8. Forget questions reach the top reward while retain questions keep their data distribution (exact update: no seed). */
    @Property(tries = 15)
    void forgetQuestionsReachTopRewardRetainQuestionsKeepTheirData(@ForAll("questions") List<Question> questions,
                                                                   @ForAll @IntRange(min = 2, max = 5) int k) {
        TheoryChecks.pmcForgetsAndRetains(PerQuestionPmc.exact(questions, k), 5000, null);
    }
}
