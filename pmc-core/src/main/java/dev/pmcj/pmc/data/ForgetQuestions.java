package dev.pmcj.pmc.data;

import java.util.List;

/**
 * What PMC receives about the forget set: the questions and nothing else. It is built from items
 * but keeps only their question strings, so no forget answer can reach the PMC trainer through it.
 */
public record ForgetQuestions(List<String> questions) {

    public ForgetQuestions {
        questions = List.copyOf(questions);
    }

    public static ForgetQuestions of(List<QaItem> items) {
        return new ForgetQuestions(items.stream().map(QaItem::question).toList());
    }

    public int size() {
        return questions.size();
    }

    public String question(int i) {
        return questions.get(i);
    }
}
