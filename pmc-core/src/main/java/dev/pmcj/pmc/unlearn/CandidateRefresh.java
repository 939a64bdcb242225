package dev.pmcj.pmc.unlearn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One PMC refresh of a micro-batch (pmc.md section 2): the questions whose cache entry is missing or
 * still above 0 get n fresh samples from the current model, each is scored against the model's own
 * initial answer, one is selected, and the cache keeps it if it is no worse.
 */
public final class CandidateRefresh {

    /** Samples {@code n} answers for each of the given forget questions from the current model. */
    @FunctionalInterface
    public interface Sampler {
        List<List<String>> sample(List<Integer> questions, int n);
    }

    /** Score of a candidate for a question: ROUGE-L recall against the initial answer (+ penalty). */
    @FunctionalInterface
    public interface Scorer {
        double score(int question, String candidate);
    }

    private final Sampler sampler;
    private final Scorer scorer;
    private final int samples;
    private final Selection selection;

    public CandidateRefresh(Sampler sampler, Scorer scorer, int samples, Selection selection) {
        this.sampler = sampler;
        this.scorer = scorer;
        this.samples = samples;
        this.selection = selection;
    }

    /** Refreshes the batch in place; returns how many questions were resampled. */
    public int refresh(int[] batch, CandidateCache cache, SplittableRandom rng) {
        List<Integer> todo = new ArrayList<>();
        for (int q : batch) if (cache.needsSampling(q) && !todo.contains(q)) todo.add(q);
        if (todo.isEmpty()) return 0;
        List<List<String>> candidates = sampler.sample(todo, samples);
        if (candidates.size() != todo.size()) {
            throw new IllegalStateException("sampler returned " + candidates.size() + " lists for " + todo.size() + " questions");
        }
        for (int i = 0; i < todo.size(); i++) {
            int q = todo.get(i);
            List<String> c = candidates.get(i);
            double[] scores = new double[c.size()];
            for (int k = 0; k < scores.length; k++) scores[k] = scorer.score(q, c.get(k));
            cache.offer(q, c, scores, selection, rng);
        }
        return todo.size();
    }
}
