package dev.pmcj.pmc.data;

import java.util.List;
import java.util.Objects;

/**
 * One question-answer pair with TOFU's evaluation extras.
 *
 * @param question            the question as trained
 * @param answer              the ground-truth answer
 * @param paraphrasedQuestion another wording of the question, or null where the source has none
 * @param paraphrasedAnswer   the answer reworded (TOFU's truth-ratio denominator), or null
 * @param perturbedAnswers    plausible wrong answers (truth-ratio numerator); empty where none
 * @param group               the author (or other subject) id; {@link #NO_GROUP} for general knowledge
 * @param kind                what the item is about
 */
public record QaItem(String question, String answer, String paraphrasedQuestion, String paraphrasedAnswer,
                     List<String> perturbedAnswers, int group, Kind kind) {

    public static final int NO_GROUP = -1;

    /** What an item is about; decides which evaluation set it belongs to. */
    public enum Kind { AUTHOR, WORLD_FACT, REAL_AUTHOR, REFUSAL }

    public QaItem {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(kind, "kind");
        perturbedAnswers = List.copyOf(perturbedAnswers);
    }

    /** A plain pair without paraphrase or perturbed answers. */
    public static QaItem of(String question, String answer, int group, Kind kind) {
        return new QaItem(question, answer, null, null, List.of(), group, kind);
    }

    public QaItem withGroup(int newGroup) {
        return new QaItem(question, answer, paraphrasedQuestion, paraphrasedAnswer, perturbedAnswers, newGroup, kind);
    }

    public boolean hasParaphrase() {
        return paraphrasedQuestion != null && paraphrasedAnswer != null;
    }
}
