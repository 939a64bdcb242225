package dev.pmcj.pmc.eval;

import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.model.QaModel;

import java.util.ArrayList;
import java.util.List;

/**
 * TOFU's metrics (pmc.md section 5) from teacher-forced answer likelihoods and greedy answers. As in
 * TOFU, the paraphrased and perturbed answers are scored given the original question; where an item has
 * no paraphrased answer (real authors, world facts) the answer itself is the truth ratio's denominator.
 */
public final class TofuEvaluator {
    private final int maxTotalLength;
    private final RougeL rouge = new RougeL();

    /** @param maxTotalLength cap on prompt + greedy answer tokens for the ROUGE-L part */
    public TofuEvaluator(int maxTotalLength) {
        this.maxTotalLength = maxTotalLength;
    }

    public TofuEvaluation evaluate(QaModel model, UnlearningData data) {
        return new TofuEvaluation(
                scores(model, "forget", data.forget(), false, true),
                scores(model, "retain", data.retainEval(), false, false),
                scores(model, "real authors", data.realAuthors(), true, false),
                scores(model, "world facts", data.worldFacts(), true, false));
    }

    private TofuEvaluation.SetScores scores(QaModel model, String set, List<QaItem> items, boolean normalised, boolean forget) {
        if (items.isEmpty()) throw new IllegalArgumentException("TOFU metrics: the " + set + " set is empty");
        List<String> questions = items.stream().map(QaItem::question).toList();
        double[] answer = meanNll(model.answerNll(questions, items.stream().map(QaItem::answer).toList()));
        double[] base = meanNll(model.answerNll(questions,
                items.stream().map(q -> q.paraphrasedAnswer() != null ? q.paraphrasedAnswer() : q.answer()).toList()));
        double[][] perturbed = perturbedMeanNll(model, set, items);

        double probability = 0;
        double[] ratios = new double[items.size()];
        for (int i = 0; i < items.size(); i++) {
            probability += normalised ? TofuMetrics.normalizedProbability(answer[i], perturbed[i]) : TofuMetrics.probability(answer[i]);
            ratios[i] = TofuMetrics.truthRatio(base[i], perturbed[i]);
        }
        List<String> greedy = model.greedy(questions, maxTotalLength);
        double recall = 0;
        for (int i = 0; i < items.size(); i++) recall += rouge.recall(items.get(i).answer(), greedy.get(i));
        return new TofuEvaluation.SetScores(probability / items.size(), recall / items.size(), ratios,
                forget ? TofuMetrics.forgetTruthRatio(ratios) : TofuMetrics.retainTruthRatio(ratios));
    }

    /** Mean token NLL of every perturbed answer, one row per item, scored in one pass. */
    private static double[][] perturbedMeanNll(QaModel model, String set, List<QaItem> items) {
        List<String> q = new ArrayList<>(), a = new ArrayList<>();
        for (QaItem item : items) {
            if (item.perturbedAnswers().isEmpty()) {
                throw new IllegalArgumentException("TOFU metrics: an item of the " + set + " set has no perturbed answers: " + item.question());
            }
            for (String p : item.perturbedAnswers()) {
                q.add(item.question());
                a.add(p);
            }
        }
        double[] flat = meanNll(model.answerNll(q, a));
        double[][] out = new double[items.size()][];
        int k = 0;
        for (int i = 0; i < items.size(); i++) {
            out[i] = new double[items.get(i).perturbedAnswers().size()];
            for (int j = 0; j < out[i].length; j++) out[i][j] = flat[k++];
        }
        return out;
    }

    private static double[] meanNll(QaModel.AnswerNll nll) {
        double[] m = new double[nll.nll().length];
        for (int i = 0; i < m.length; i++) m[i] = nll.nll()[i] / Math.max(1, nll.tokens()[i]);
        return m;
    }
}
