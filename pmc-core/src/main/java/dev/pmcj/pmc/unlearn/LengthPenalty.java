package dev.pmcj.pmc.unlearn;

/**
 * The reference code's optional length penalty: a candidate with fewer than {@code minWords} words has
 * {@code exp(-words)} added to its score, capped at 1, so empty or one-word answers stop looking perfect.
 */
public record LengthPenalty(int minWords) {

    public double apply(double score, String candidate) {
        if (minWords <= 0) return score;
        String trimmed = candidate.strip();
        int words = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        return words < minWords ? Math.min(1.0, score + Math.exp(-words)) : score;
    }
}
