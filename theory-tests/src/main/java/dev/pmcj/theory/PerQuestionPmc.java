package dev.pmcj.theory;

import org.apache.commons.math3.random.RandomGenerator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * PMC on a model with one independent conditional per question (no approximation error): each round,
 * forget questions take one curation step and retain questions are refit on their data. A question is
 * either forget or retain, and names must be unique, so the two sets are disjoint.
 */
public final class PerQuestionPmc {
    private final List<Question> questions;
    private final List<RefitProcess> steps;

    /** {@code curation} builds the process for a forget question from its rewards. */
    public PerQuestionPmc(List<Question> questions, Function<double[], RefitProcess> curation) {
        Set<String> names = new HashSet<>();
        for (Question q : questions)
            if (!names.add(q.name())) throw new IllegalArgumentException("question " + q.name() + " appears twice: forget and retain sets must be disjoint");
        this.questions = List.copyOf(questions);
        this.steps = this.questions.stream().map(q -> switch (q) {
            case Question.Forget f -> curation.apply(f.rewards());
            case Question.Retain r -> (RefitProcess) (p, rng) -> r.dataDistribution();
        }).toList();
    }

    /** Exact expected update (Bradley-Terry, temperature 1, K candidates) on every forget question. */
    public static PerQuestionPmc exact(List<Question> questions, int k) {
        return new PerQuestionPmc(questions, r -> CuratedUpdate.bradleyTerry(k, r));
    }

    public List<Question> questions() {
        return questions;
    }

    public List<Categorical> initialState() {
        return questions.stream().map(Question::initial).toList();
    }

    public List<Categorical> step(List<Categorical> state, RandomGenerator rng) {
        if (state.size() != questions.size())
            throw new IllegalArgumentException("state has " + state.size() + " conditionals for " + questions.size() + " questions");
        List<Categorical> next = new ArrayList<>(state.size());
        for (int q = 0; q < state.size(); q++) next.add(steps.get(q).step(state.get(q), rng));
        return List.copyOf(next);
    }

    /** States at rounds 0..T. */
    public List<List<Categorical>> run(int rounds, RandomGenerator rng) {
        List<List<Categorical>> states = new ArrayList<>(rounds + 1);
        states.add(initialState());
        for (int t = 0; t < rounds; t++) states.add(step(states.getLast(), rng));
        return states;
    }
}
