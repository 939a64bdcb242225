package dev.pmcj.pmc.pipeline;

import dev.pmcj.pmc.data.AuthorData;
import dev.pmcj.pmc.data.AuthorGenerator;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.eval.ModelEvaluator;
import dev.pmcj.pmc.eval.ModelEvaluation;
import dev.pmcj.pmc.eval.RougeL;
import dev.pmcj.pmc.model.PromptFormat;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.unlearn.GradDiff;
import dev.pmcj.pmc.unlearn.GradientAscent;
import dev.pmcj.pmc.unlearn.Idk;
import dev.pmcj.pmc.unlearn.Npo;
import dev.pmcj.pmc.unlearn.Pmc;
import dev.pmcj.pmc.unlearn.SimNpo;
import dev.pmcj.pmc.unlearn.Unlearner;
import dev.pmcj.pmc.unlearn.UnlearningMethod;
import dev.pmcj.tensor.Backend;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.tokenizer.BpeTrainer;
import dev.pmcj.transformer.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole job on built-in data: generate authors, train a BPE vocabulary, fine-tune a small decoder on
 * everything, then unlearn the forget authors with each method from the same fine-tuned weights and
 * evaluate every model. Each stage is one call on the modules below; data flows forward once.
 */
public final class Demo {
    private final DemoSettings settings;
    private final Backend backend;
    private final Path out;
    private final Consumer<String> log;
    private final Unlearner.ProgressSink progress;

    public Demo(DemoSettings settings, Backend backend, Path out, Consumer<String> log, Unlearner.ProgressSink progress) {
        this.settings = settings;
        this.backend = backend;
        this.out = out;
        this.log = log;
        this.progress = progress;
    }

    public DemoResult run() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        AuthorData authors = AuthorGenerator.generate(settings.data());
        UnlearningData data = authors.split(settings.splitPercent());
        Tokenizer tokenizer = BpeTrainer.train(corpus(data), settings.vocabSize());
        log.accept(String.format("data: %d fine-tuning items, %d forget, %d retain; vocabulary %d tokens",
                data.fineTune().size(), data.forget().size(), data.retain().size(), tokenizer.vocabSize()));
        seconds.put("data_and_vocabulary", elapsed(t0));

        long t1 = System.nanoTime();
        Decoder decoder = new Decoder(settings.modelConfig(), Decoder.newParameters(settings.modelConfig(), backend));
        decoder.initialize(settings.seed());
        QaModel finetuned = new QaModel(decoder, tokenizer);
        List<Double> ftLoss = FineTune.run(finetuned, data.fineTune(), settings.fineTune(), progress);
        seconds.put("fine_tune", elapsed(t1));
        log.accept(String.format("fine-tuned %d parameters, final loss %.3f", decoder.parameters().size(), ftLoss.getLast()));

        ModelEvaluator evaluator = new ModelEvaluator(settings.eval());
        Map<String, ModelEvaluation> models = new LinkedHashMap<>();
        Map<String, List<Unlearner.EpochRecord>> histories = new LinkedHashMap<>();
        long t2 = System.nanoTime();
        models.put("finetuned", evaluator.evaluate(finetuned, data));
        seconds.put("evaluate_finetuned", elapsed(t2));
        double floor = authors.ignoranceFloor(data.forget());
        log.accept(String.format("finetuned: unlearn quality %.3f (ignorance floor %.3f), utility %.3f",
                models.get("finetuned").metrics().unlearnQuality(), floor, models.get("finetuned").metrics().utility()));

        for (String name : settings.methods()) {
            long tm = System.nanoTime();
            QaModel model = copyOf(finetuned);
            UnlearningMethod method = method(name, model, data);
            Unlearner.Settings us = name.equals("pmc")
                    ? Unlearner.Settings.of(settings.pmc(), settings.seed(), out.resolve("checkpoints").resolve(name))
                    : new Unlearner.Settings(settings.baselineEpochs(), settings.pmc().forgetBatch(), 1, settings.baselineLr(),
                    settings.pmc().weightDecay(), settings.seed(), out.resolve("checkpoints").resolve(name));
            histories.put(name, Unlearner.run(method, model.decoder(), data.retain().size(), us,
                    epoch -> probe(method, model, data), progress));
            models.put(name, evaluator.evaluate(model, data));
            seconds.put(name, elapsed(tm));
            log.accept(String.format("%s: unlearn quality %.3f, utility %.3f (%.0f s)", name,
                    models.get(name).metrics().unlearnQuality(), models.get(name).metrics().utility(), seconds.get(name)));
        }
        return new DemoResult(models, histories, ftLoss, floor, seconds);
    }

    private UnlearningMethod method(String name, QaModel model, UnlearningData d) {
        float lambda = settings.pmc().lambda();
        return switch (name) {
            case "pmc" -> new Pmc(settings.pmc(), model, d.forgetQuestions(), d.retain());
            case "ga" -> new GradientAscent(model, d.forget());
            case "graddiff" -> new GradDiff(model, d.forget(), d.retain(), lambda);
            case "npo" -> new Npo(model, d.forget(), d.retain(), 0.1f, lambda);
            case "simnpo" -> new SimNpo(model, d.forget(), d.retain(), 4.5f, 0.125f, lambda);
            case "idk" -> new Idk(model, d.forget(), d.retain(), d.refusals(), lambda);
            default -> throw new IllegalArgumentException("unknown method '" + name + "' (pmc, ga, graddiff, npo, simnpo, idk)");
        };
    }

    /**
     * After each epoch: ROUGE-L of greedy forget answers to the initial answers (PMC's own signal), and the
     * forget and retain losses on the true answers (measured for the plots; no method trains on this).
     */
    private Map<String, Double> probe(UnlearningMethod method, QaModel model, UnlearningData d) {
        Map<String, Double> m = new LinkedHashMap<>();
        List<QaItem> forget = d.forget();
        List<String> answers = model.greedy(forget.stream().map(QaItem::question).toList(), settings.eval().maxTotalLength());
        if (method instanceof Pmc pmc) {
            RougeL rouge = new RougeL();
            double sum = 0;
            for (int i = 0; i < answers.size(); i++) sum += rouge.recall(pmc.initialAnswers().get(i), answers.get(i));
            m.put("rouge_to_initial", sum / answers.size());
            m.put("cache_mean_score", pmc.cache().meanScore());
        }
        RougeL rouge = new RougeL();
        double truth = 0;
        for (int i = 0; i < answers.size(); i++) truth += rouge.recall(forget.get(i).answer(), answers.get(i));
        m.put("forget_rouge", truth / answers.size());
        m.put("forget_loss", meanNll(model, forget));
        m.put("retain_loss", meanNll(model, d.retain().subList(0, Math.min(200, d.retain().size()))));
        return m;
    }

    private static double meanNll(QaModel model, List<QaItem> items) {
        QaModel.AnswerNll nll = model.answerNll(items.stream().map(QaItem::question).toList(),
                items.stream().map(QaItem::answer).toList());
        double total = 0, tokens = 0;
        for (int i = 0; i < items.size(); i++) {
            total += nll.nll()[i];
            tokens += nll.tokens()[i];
        }
        return total / tokens;
    }

    private QaModel copyOf(QaModel source) {
        Decoder d = new Decoder(settings.modelConfig(), Decoder.newParameters(settings.modelConfig(), backend));
        backend.copy(source.decoder().parameters().params(), d.parameters().params());
        return new QaModel(d, source.tokenizer());
    }

    private static List<String> corpus(UnlearningData data) {
        List<String> texts = new ArrayList<>();
        for (QaItem q : data.fineTune()) {
            texts.add(PromptFormat.prompt(q.question()) + PromptFormat.answer(q.answer()));
            if (q.hasParaphrase()) texts.add(q.paraphrasedQuestion() + " " + q.paraphrasedAnswer());
        }
        texts.add(String.join(" ", data.refusals()));
        return texts;
    }

    private static double elapsed(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
