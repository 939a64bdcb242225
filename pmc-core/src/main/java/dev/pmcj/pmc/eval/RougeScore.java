package dev.pmcj.pmc.eval;

/** ROUGE precision (LCS / prediction tokens), recall (LCS / target tokens) and their harmonic mean. */
public record RougeScore(double precision, double recall, double fmeasure) {
    public static final RougeScore ZERO = new RougeScore(0, 0, 0);

    /** rouge-score's {@code scoring.fmeasure}: 0 when both are 0. */
    public static RougeScore of(double precision, double recall) {
        double sum = precision + recall;
        return new RougeScore(precision, recall, sum > 0 ? 2 * precision * recall / sum : 0.0);
    }
}
