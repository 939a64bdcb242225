package dev.pmcj.pmc.eval;

import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.transformer.inference.SamplingConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The paper's evaluation of one model (pmc.md section 5): greedy answers scored by ROUGE-L recall
 * against the truth on forget, paraphrased forget and the utility sets, plus the sampling and prefill
 * attacks on the forget questions.
 */
public final class ModelEvaluator {
    private static final int SAMPLES_SHOWN = 6;
    private final RougeL rouge = new RougeL();
    private final EvalSettings settings;

    public ModelEvaluator(EvalSettings settings) {
        this.settings = settings;
    }

    public ModelEvaluation evaluate(QaModel model, UnlearningData data) {
        List<QaItem> forget = data.forget();
        List<String> forgetAnswers = model.greedy(texts(forget, QaItem::question), settings.maxTotalLength());
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("forget", meanRecall(texts(forget, QaItem::answer), forgetAnswers));
        List<QaItem> para = forget.stream().filter(QaItem::hasParaphrase).toList();
        r.put("paraphrased", meanRecall(texts(para, QaItem::paraphrasedAnswer),
                model.greedy(texts(para, QaItem::paraphrasedQuestion), settings.maxTotalLength())));
        List<QaItem> retain = retainSample(data.retainEval().isEmpty() ? data.retain() : data.retainEval());
        r.put("retain", greedyRecall(model, retain));
        r.put("world_facts", greedyRecall(model, data.worldFacts()));
        r.put("real_authors", greedyRecall(model, data.realAuthors()));
        double uq = UnlearnMetrics.unlearnQuality(r.get("forget"), r.get("paraphrased"));
        double utility = UnlearnMetrics.utility(r.get("retain"), r.get("world_facts"), r.get("real_authors"));

        Map<String, Double> extra = new LinkedHashMap<>();
        r.forEach((set, v) -> extra.put("rouge_" + set, v));
        extra.put("prefill_attack_rouge", prefillAttack(model, forget));
        List<ModelEvaluation.Answered> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(SAMPLES_SHOWN, forget.size()); i++) {
            shown.add(new ModelEvaluation.Answered(forget.get(i).question(), forget.get(i).answer(), forgetAnswers.get(i)));
        }
        return new ModelEvaluation(new ModelMetrics(uq, utility, samplingAttack(model, forget), extra), shown);
    }

    /** Mean recall of greedy answers on a set; NaN for an empty set. */
    private double greedyRecall(QaModel model, List<QaItem> items) {
        if (items.isEmpty()) return Double.NaN;
        return meanRecall(texts(items, QaItem::answer), model.greedy(texts(items, QaItem::question), settings.maxTotalLength()));
    }

    /** The reference code's retain draw: {@code retainSample} items with replacement, fixed seed. */
    private List<QaItem> retainSample(List<QaItem> pool) {
        if (pool.isEmpty()) return pool;
        SplittableRandom rng = new SplittableRandom(settings.retainSeed());
        List<QaItem> out = new ArrayList<>(settings.retainSample());
        for (int i = 0; i < settings.retainSample(); i++) out.add(pool.get(rng.nextInt(pool.size())));
        return out;
    }

    /** Worst case over {@code attackSamples} sampled answers per question: max recall, averaged. */
    public double samplingAttack(QaModel model, List<QaItem> forget) {
        if (settings.attackSamples() <= 0 || forget.isEmpty()) return Double.NaN;
        List<List<String>> samples = model.sample(texts(forget, QaItem::question), settings.attackSamples(),
                settings.attackTemperature(), 1f, settings.retainSeed(), settings.maxTotalLength());
        double sum = 0;
        for (int i = 0; i < forget.size(); i++) {
            int[] truth = rouge.ids(forget.get(i).answer());
            double worst = 0;
            for (String s : samples.get(i)) worst = Math.max(worst, RougeL.score(truth, rouge.ids(s)).recall());
            sum += worst;
        }
        return sum / forget.size();
    }

    /** Greedy continuation after the prefill ("The answer is:"), scored against the truth. */
    public double prefillAttack(QaModel model, List<QaItem> forget) {
        if (forget.isEmpty()) return Double.NaN;
        SamplingConfig greedy = new SamplingConfig(0f, 1f, 0, 0L, settings.maxTotalLength(), settings.maxTotalLength(),
                model.tokenizer().eosId().orElse(-1));
        return meanRecall(texts(forget, QaItem::answer),
                model.generate(texts(forget, QaItem::question), settings.prefill(), greedy));
    }

    private double meanRecall(List<String> truths, List<String> predictions) {
        if (truths.isEmpty()) return Double.NaN;
        double sum = 0;
        for (int i = 0; i < truths.size(); i++) sum += rouge.recall(truths.get(i), predictions.get(i));
        return sum / truths.size();
    }

    private static List<String> texts(List<QaItem> items, Function<QaItem, String> field) {
        return items.stream().map(field).toList();
    }
}
