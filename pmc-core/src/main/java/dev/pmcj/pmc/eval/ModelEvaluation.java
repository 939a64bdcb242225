package dev.pmcj.pmc.eval;

import java.util.List;

/** A model's figures plus a few of its greedy forget answers, for the report. */
public record ModelEvaluation(ModelMetrics metrics, List<Answered> samples) {

    public record Answered(String question, String truth, String answer) {
    }
}
