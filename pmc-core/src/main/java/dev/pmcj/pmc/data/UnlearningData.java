package dev.pmcj.pmc.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one unlearning experiment needs, from TOFU or from the built-in generator.
 *
 * @param name        e.g. "tofu forget10" or "authors forget10"
 * @param fineTune    the full training set (forget and retain subjects, general knowledge)
 * @param forget      the forget items (with paraphrases and perturbed answers); PMC sees only
 *                    {@link #forgetQuestions()}
 * @param retain      the retain pool unlearning trains on
 * @param retainEval  retain items with paraphrases and perturbed answers, for evaluation
 * @param holdout     items about subjects never trained on (TOFU's holdout)
 * @param worldFacts  general-knowledge items for utility
 * @param realAuthors real-author items for utility
 * @param refusals    refusal answers for the IDK baseline
 */
public record UnlearningData(String name, List<QaItem> fineTune, List<QaItem> forget, List<QaItem> retain,
                             List<QaItem> retainEval, List<QaItem> holdout, List<QaItem> worldFacts,
                             List<QaItem> realAuthors, List<String> refusals) {

    public UnlearningData {
        fineTune = List.copyOf(fineTune);
        forget = List.copyOf(forget);
        retain = List.copyOf(retain);
        retainEval = List.copyOf(retainEval);
        holdout = List.copyOf(holdout);
        worldFacts = List.copyOf(worldFacts);
        realAuthors = List.copyOf(realAuthors);
        refusals = List.copyOf(refusals);
    }

    /**
     * The same experiment with each general-knowledge, real-author and refusal item repeated {@code weight}
     * times in the retain pool, so unlearning's random retain partners anchor these small sets as often as
     * the many retained authors (pmc.md section 7: unanchored, they drift).
     */
    public UnlearningData withGeneralRetainWeight(int weight) {
        if (weight < 1) throw new IllegalArgumentException("general retain weight must be >= 1, got " + weight);
        List<QaItem> pool = new ArrayList<>(retain);
        for (int w = 1; w < weight; w++) {
            for (QaItem q : retain) if (q.kind() != QaItem.Kind.AUTHOR) pool.add(q);
        }
        return new UnlearningData(name, fineTune, forget, pool, retainEval, holdout, worldFacts, realAuthors, refusals);
    }

    /** The PMC input: forget questions only. */
    public ForgetQuestions forgetQuestions() {
        return ForgetQuestions.of(forget);
    }
}
