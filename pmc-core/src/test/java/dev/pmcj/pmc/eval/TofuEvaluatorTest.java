package dev.pmcj.pmc.eval;

import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.fixtures.TinySetup;
import dev.pmcj.pmc.model.QaModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TOFU's metrics on a tiny model, checked where the definitions pin the value down exactly. */
class TofuEvaluatorTest {
    private static final int MAX = 60;
    private final TinySetup tiny = new TinySetup();
    private final QaModel model = tiny.freshModel(3);
    private final TofuEvaluator evaluator = new TofuEvaluator(MAX);

    private UnlearningData mapped(UnaryOperator<QaItem> f) {
        UnlearningData d = tiny.data;
        return new UnlearningData(d.name(), d.fineTune(), d.forget().stream().map(f).toList(), d.retain(),
                d.retainEval().stream().map(f).toList(), d.holdout(), d.worldFacts().stream().map(f).toList(),
                d.realAuthors().stream().map(f).toList(), d.refusals());
    }

    private static QaItem withPerturbed(QaItem q, String wrong) {
        return new QaItem(q.question(), q.answer(), q.paraphrasedQuestion(), q.paraphrasedAnswer(), List.of(wrong, wrong, wrong),
                q.group(), q.kind());
    }

    @Test
    void perturbedEqualToTheTruthRatioBaseGivesTruthRatioOne() {
        TofuEvaluation e = evaluator.evaluate(model, mapped(q -> withPerturbed(q, q.paraphrasedAnswer() != null ? q.paraphrasedAnswer() : q.answer())));
        for (double tr : e.forget().truthRatios()) assertEquals(1.0, tr, 1e-12);
        assertEquals(1.0, e.forget().truthRatio(), 1e-12, "forget aggregate: true and false equally likely");
        assertEquals(0.0, e.retain().truthRatio(), 1e-12, "retain aggregate: the truth is no likelier");
        assertEquals(0.0, e.modelUtility(), "a zero component makes the harmonic mean 0");
    }

    @Test
    void perturbedEqualToTheAnswerGivesNormalisedProbabilityOneOverFour() {
        TofuEvaluation e = evaluator.evaluate(model, mapped(q -> withPerturbed(q, q.answer())));
        assertEquals(0.25, e.realAuthors().probability(), 1e-12, "the correct answer among three identical options");
        assertEquals(0.25, e.worldFacts().probability(), 1e-12);
    }

    @Test
    void answersEqualToTheModelsGreedyOutputScoreRougeOneAndProbabilityAsAnswerNll() {
        UnlearningData d = mapped(q -> new QaItem(q.question(), model.greedy(List.of(q.question()), MAX).getFirst(),
                q.paraphrasedQuestion(), q.paraphrasedAnswer(), q.perturbedAnswers(), q.group(), q.kind()));
        TofuEvaluation e = evaluator.evaluate(model, d);
        // Every answer is recalled whole, except one that has no word to recall (ROUGE-L of an empty reference is 0).
        RougeL rouge = new RougeL();
        assertEquals(d.retainEval().stream().mapToDouble(q -> rouge.recall(q.answer(), q.answer())).average().orElseThrow(),
                e.retain().rouge(), 1e-12);
        assertEquals(d.forget().stream().mapToDouble(q -> rouge.recall(q.answer(), q.answer())).average().orElseThrow(),
                e.forget().rouge(), 1e-12);
        assertTrue(e.retain().rouge() > 0.5);
        QaModel.AnswerNll nll = model.answerNll(d.retainEval().stream().map(QaItem::question).toList(),
                d.retainEval().stream().map(QaItem::answer).toList());
        double p = 0;
        for (int i = 0; i < d.retainEval().size(); i++) p += nll.normalisedProbability(i);
        assertEquals(p / d.retainEval().size(), e.retain().probability(), 1e-12);
    }

    @Test
    void modelUtilityIsTheHarmonicMeanOfTheNineFiguresAndForgetQualityComparesModels() {
        TofuEvaluation e = evaluator.evaluate(model, tiny.data);
        double[] parts = {e.retain().probability(), e.retain().rouge(), e.retain().truthRatio(), e.realAuthors().probability(),
                e.realAuthors().rouge(), e.realAuthors().truthRatio(), e.worldFacts().probability(), e.worldFacts().rouge(),
                e.worldFacts().truthRatio()};
        for (double v : parts) assertTrue(v >= 0 && v <= 1, "figure " + v + " outside [0, 1]");
        assertEquals(TofuMetrics.harmonicMean(parts), e.modelUtility(), 1e-15);
        assertEquals(1.0, e.forgetQuality(e), 1e-12, "identical truth ratios");
        TofuEvaluation other = evaluator.evaluate(tiny.freshModel(99), tiny.data);
        assertNotEquals(e.forget().truthRatios()[0], other.forget().truthRatios()[0]);
        assertEquals(TofuMetrics.forgetQuality(e.forget().truthRatios(), other.forget().truthRatios()), e.forgetQuality(other));
        assertEquals(e.forgetQuality(other), e.metrics(e.forgetQuality(other)).get("tofu_forget_quality"));
    }

    @Test
    void itemsWithoutPerturbedAnswersAreRejectedByName() {
        UnlearningData d = mapped(q -> q.kind() == QaItem.Kind.WORLD_FACT
                ? QaItem.of(q.question(), q.answer(), q.group(), q.kind()) : q);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(model, d));
        assertTrue(ex.getMessage().contains("world facts"), ex.getMessage());
    }
}
