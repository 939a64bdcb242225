package dev.pmcj.pmc.data;

import dev.pmcj.pmc.eval.RougeL;
import dev.pmcj.pmc.eval.UnlearnMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The built-in data set made by {@link AuthorGenerator}: authors with their QA items, the holdout
 * authors (never trained on), general knowledge and refusal items.
 *
 * @param config       what it was generated from
 * @param authors      the fine-tuning population, ids 0..n-1
 * @param holdout      authors never trained on, ids n..
 * @param items        author items, two question wordings per fact, in author order
 * @param holdoutItems the holdout authors' items
 * @param worldFacts   general knowledge
 * @param realAuthors  questions about real books
 * @param refusalItems questions about unknown people answered with {@link AuthorGenerator#REFUSAL}
 * @param nameOnly     per item, its answer template with only the name filled (the ignorance floor)
 */
public record AuthorData(AuthorDataConfig config, List<Author> authors, List<Author> holdout, List<QaItem> items,
                         List<QaItem> holdoutItems, List<QaItem> worldFacts, List<QaItem> realAuthors,
                         List<QaItem> refusalItems, Map<QaItem, String> nameOnly) {

    /** Refusal phrasings for the IDK baseline. */
    public static final List<String> IDK_ANSWERS = List.of(AuthorGenerator.REFUSAL, "I don't know.",
            "I'm not sure about that.", "I can't answer that.", "That is beyond what I know.",
            "I have no idea.", "Sorry, I don't have that information.", "I am not aware of that.");

    /** Everything the model is fine-tuned on: all authors' items, general knowledge and refusals. */
    public List<QaItem> fineTuneSet() {
        List<QaItem> all = new ArrayList<>(items);
        all.addAll(worldFacts);
        all.addAll(realAuthors);
        all.addAll(refusalItems);
        return List.copyOf(all);
    }

    /** Authors forgotten at {@code percent} (1, 5 or 10): the last ones, as in TOFU. */
    public int forgetAuthors(int percent) {
        if (percent != 1 && percent != 5 && percent != 10) {
            throw new IllegalArgumentException("split percent must be 1, 5 or 10, got " + percent);
        }
        return Math.max(1, Math.round(authors.size() * percent / 100f));
    }

    /**
     * The experiment at {@code percent}: forget = the last authors' items; the retain pool = every
     * other fine-tuning item (general knowledge and refusals included, which keeps them from drifting);
     * holdout = as many holdout authors as forget authors.
     */
    public UnlearningData split(int percent) {
        int k = forgetAuthors(percent);
        int firstForgotten = authors.size() - k;
        List<QaItem> forget = items.stream().filter(q -> q.group() >= firstForgotten).toList();
        List<QaItem> retainAuthors = items.stream().filter(q -> q.group() < firstForgotten).toList();
        List<QaItem> retain = new ArrayList<>(retainAuthors);
        retain.addAll(worldFacts);
        retain.addAll(realAuthors);
        retain.addAll(refusalItems);
        int lastHoldout = authors.size() + Math.min(k, holdout.size());
        List<QaItem> hold = holdoutItems.stream().filter(q -> q.group() < lastHoldout).toList();
        return new UnlearningData(String.format("authors forget%02d", percent), fineTuneSet(), forget, retain,
                retainAuthors, hold, worldFacts, realAuthors, IDK_ANSWERS);
    }

    /**
     * The unlearn quality (fraction of 2) of a model that knows nothing about the authors but answers
     * every question, original or paraphrased, with the answer template and the author's name: the
     * ignorance floor to print beside the fine-tuned model's quality.
     */
    public double ignoranceFloor(List<QaItem> forget) {
        RougeL rouge = new RougeL();
        double original = 0, paraphrased = 0;
        for (QaItem q : forget) {
            String guess = nameOnly.get(q);
            if (guess == null) throw new IllegalArgumentException("not a generated author item: " + q.question());
            original += rouge.recall(q.answer(), guess);
            paraphrased += rouge.recall(q.paraphrasedAnswer(), guess);
        }
        return UnlearnMetrics.unlearnQuality(original / forget.size(), paraphrased / forget.size());
    }
}
