package dev.pmcj.pmc.pipeline;

import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.eval.RougeL;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.unlearn.Pmc;
import dev.pmcj.pmc.unlearn.UnlearningMethod;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is measured after each unlearning epoch: ROUGE-L of greedy forget answers to the initial answers
 * (PMC's own signal), and the forget and retain losses on the true answers (measured for the plots; no
 * method trains on this).
 */
public final class UnlearnProbe {
    /** Retain items the retain loss is measured on. */
    private static final int RETAIN_PROBE = 200;

    private UnlearnProbe() {
    }

    public static Map<String, Double> measure(UnlearningMethod method, QaModel model, UnlearningData d, int maxTotalLength) {
        Map<String, Double> m = new LinkedHashMap<>();
        List<QaItem> forget = d.forget();
        List<String> answers = model.greedy(forget.stream().map(QaItem::question).toList(), maxTotalLength);
        RougeL rouge = new RougeL();
        if (method instanceof Pmc pmc) {
            double sum = 0;
            for (int i = 0; i < answers.size(); i++) sum += rouge.recall(pmc.initialAnswers().get(i), answers.get(i));
            m.put("rouge_to_initial", sum / answers.size());
            m.put("cache_mean_score", pmc.cache().meanScore());
        }
        double truth = 0;
        for (int i = 0; i < answers.size(); i++) truth += rouge.recall(forget.get(i).answer(), answers.get(i));
        m.put("forget_rouge", truth / answers.size());
        m.put("forget_loss", meanNll(model, forget));
        m.put("retain_loss", meanNll(model, d.retain().subList(0, Math.min(RETAIN_PROBE, d.retain().size()))));
        return m;
    }

    /** Mean token NLL over all the items' answer tokens. */
    static double meanNll(QaModel model, List<QaItem> items) {
        QaModel.AnswerNll nll = model.answerNll(items.stream().map(QaItem::question).toList(),
                items.stream().map(QaItem::answer).toList());
        double total = 0, tokens = 0;
        for (int i = 0; i < items.size(); i++) {
            total += nll.nll()[i];
            tokens += nll.tokens()[i];
        }
        return total / tokens;
    }
}
