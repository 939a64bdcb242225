package dev.pmcj.pmc.unlearn;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * PMC's best-so-far answer per forget question. A question is resampled while it has no entry or its
 * entry still scores above 0 (shares a token with the initial answer); a newly chosen candidate replaces
 * the entry only if it scores no worse ({@code <=}), so the cache never moves back towards the original.
 */
public final class CandidateCache {

    public record Entry(String answer, double score) {
    }

    private final Entry[] entries;

    public CandidateCache(int questions) {
        entries = new Entry[questions];
    }

    public int size() {
        return entries.length;
    }

    public Entry get(int question) {
        return entries[question];
    }

    public boolean needsSampling(int question) {
        Entry e = entries[question];
        return e == null || e.score() > 0;
    }

    /**
     * Chooses one of {@code candidates} (scored by {@code scores}) with {@code selection} and keeps it if
     * it is the first entry or scores no worse than the current one. Returns the entry now cached.
     */
    public Entry offer(int question, List<String> candidates, double[] scores, Selection selection, SplittableRandom rng) {
        if (candidates.isEmpty() || candidates.size() != scores.length) {
            throw new IllegalArgumentException("offer: " + candidates.size() + " candidates but " + scores.length + " scores");
        }
        int k = selection.choose(scores, rng);
        Entry current = entries[question];
        if (current == null || scores[k] <= current.score()) entries[question] = new Entry(candidates.get(k), scores[k]);
        return entries[question];
    }

    /** Mean cached score over questions that have an entry (NaN if none). */
    public double meanScore() {
        return Arrays.stream(entries).filter(e -> e != null).mapToDouble(Entry::score).average().orElse(Double.NaN);
    }

    /** Restores an entry (resume from a checkpoint). */
    public void put(int question, Entry entry) {
        entries[question] = entry;
    }
}
