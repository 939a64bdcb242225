package dev.pmcj.pmc.pipeline;

import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.eval.EvalSettings;
import dev.pmcj.pmc.eval.ModelEvaluation;
import dev.pmcj.pmc.eval.ModelEvaluator;
import dev.pmcj.pmc.eval.OverUnlearning;
import dev.pmcj.pmc.eval.TofuEvaluation;
import dev.pmcj.pmc.eval.TofuEvaluator;
import dev.pmcj.pmc.model.Fingerprint;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.unlearn.PmcConfig;
import dev.pmcj.pmc.unlearn.Unlearner;
import dev.pmcj.pmc.unlearn.UnlearningMethod;
import dev.pmcj.tensor.Backend;
import dev.pmcj.transformer.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The TOFU benchmark end to end on a model trained from scratch: a BPE vocabulary and a model fine-tuned
 * on all authors ({@code finetuned}), a model fine-tuned on the retain set only ({@code retain}, the
 * reference of forget quality), then each unlearning method from the fine-tuned weights, every model
 * evaluated in the paper's units and TOFU's. Models go to {@code OUT/models/NAME}, unlearning checkpoints
 * to {@code OUT/checkpoints/NAME}; a rerun reuses the saved fine-tuned models and resumes unlearning.
 */
public final class TofuBenchmark {

    /**
     * @param arch           the model trained from scratch
     * @param fineTune       fine-tuning of both the full and the retain-only model
     * @param pmc            PMC's settings; its lambda also weights the baselines' retain terms
     * @param baselineEpochs epochs of every baseline
     * @param baselineLr     the baselines' peak learning rate
     * @param methods        unlearning methods run, in order
     * @param eval           evaluation settings
     */
    public record Settings(Architecture arch, FineTune.Settings fineTune, PmcConfig pmc, int baselineEpochs,
                           float baselineLr, List<String> methods, EvalSettings eval) {
        public Settings {
            methods = List.copyOf(methods);
            for (String m : methods) {
                if (!Methods.NAMES.contains(m)) throw new IllegalArgumentException("unknown method '" + m + "' (" + String.join(", ", Methods.NAMES) + ")");
            }
        }
    }

    /** Everything measured, in run order; {@code fineTuneLosses} is empty for a model reused from disk. */
    public record Result(Map<String, ModelEvaluation> models, Map<String, List<Unlearner.EpochRecord>> histories,
                         Map<String, List<Double>> fineTuneLosses, Map<String, Double> seconds) {
    }

    private final Settings settings;
    private final Backend backend;
    private final Path out;
    private final Consumer<String> log;
    private final Unlearner.ProgressSink progress;

    public TofuBenchmark(Settings settings, Backend backend, Path out, Consumer<String> log, Unlearner.ProgressSink progress) {
        this.settings = settings;
        this.backend = backend;
        this.out = out;
        this.log = log;
        this.progress = progress;
    }

    /** Runs everything; {@code partial} receives the result so far after each model is evaluated. */
    public Result run(UnlearningData data, Consumer<Result> partial) throws IOException {
        Result r = new Result(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
        // The vocabulary is learnt with the fine-tuned model, from its items and the refusals; the retain model reuses it.
        String finetunedOrigin = origin("finetuned", data.fineTune(), String.join("\n", data.refusals()));
        QaModel finetuned = trained(r, "finetuned", data.fineTune(), () -> Vocabulary.train(data, settings.arch().vocab()),
                finetunedOrigin);
        QaModel retain = trained(r, "retain", data.retain(), finetuned::tokenizer, origin("retain", data.retain(), finetunedOrigin));

        long t = System.nanoTime();
        Optional<OverUnlearning> wikitext = OverUnlearning.ifAsked(settings.eval(), finetuned, data.forget());
        if (wikitext.isPresent()) {
            r.seconds().put("wikitext_base", RunReport.secondsSince(t));
            log.accept(wikitext.get().describe());
        }
        ModelEvaluator evaluator = new ModelEvaluator(settings.eval());
        TofuEvaluator tofu = new TofuEvaluator(settings.eval().maxTotalLength());
        t = System.nanoTime();
        TofuEvaluation reference = tofu.evaluate(retain, data);
        ModelEvaluation retainEval = reference.addTo(evaluator.evaluate(retain, data), reference.forgetQuality(reference));
        r.models().put("retain", wikitext.map(w -> w.addTo(retainEval, retain)).orElse(retainEval));
        done(r, "evaluate_retain", t, partial);
        t = System.nanoTime();
        r.models().put("finetuned", evaluate(evaluator, tofu, reference, finetuned, data));
        done(r, "evaluate_finetuned", t, partial);

        for (String name : settings.methods()) {
            t = System.nanoTime();
            QaModel model = Training.copyOf(finetuned);
            UnlearningMethod method = Methods.create(name, settings.pmc(), model, data);
            Unlearner.Settings us = Methods.trainerSettings(name, settings.pmc(), settings.baselineEpochs(), settings.baselineLr(),
                    settings.fineTune().seed(), out.resolve("checkpoints").resolve(name));
            r.histories().put(name, Training.unlearn(method, model, data, us, settings.eval().maxTotalLength(), progress));
            ModelFolder.save(model, out.resolve("models").resolve(name));
            ModelEvaluation e = evaluate(evaluator, tofu, reference, model, data);
            r.models().put(name, wikitext.map(w -> w.addTo(e, model)).orElse(e));
            done(r, name, t, partial);
        }
        return r;
    }

    private ModelEvaluation evaluate(ModelEvaluator evaluator, TofuEvaluator tofu, TofuEvaluation reference,
                                     QaModel model, UnlearningData data) {
        TofuEvaluation own = tofu.evaluate(model, data);
        return own.addTo(evaluator.evaluate(model, data), own.forgetQuality(reference));
    }

    /**
     * A model fine-tuned from scratch on {@code items} ({@code finetuned}: everything, with a vocabulary trained
     * for it; {@code retain}: the retain set, over finetuned's vocabulary); loaded instead when saved before
     * from the same origin. A saved model of another origin (other data, architecture or fine-tuning
     * settings) is refused: reusing it would report another run's model under this run's settings.
     */
    private QaModel trained(Result r, String name, List<QaItem> items, Supplier<Tokenizer> vocabulary, String origin)
            throws IOException {
        Path dir = out.resolve("models").resolve(name);
        if (Files.isDirectory(dir)) {
            if (!ModelFolder.origin(dir).equals(Optional.of(origin))) {
                throw new IllegalArgumentException(dir + " holds a model fine-tuned from other data or settings than this run's;"
                        + " remove it to fine-tune afresh, or choose another output folder");
            }
            log.accept(name + ": reusing the model saved in " + dir);
            r.fineTuneLosses().put(name, List.of());
            return ModelFolder.load(dir, backend);
        }
        long t = System.nanoTime();
        Tokenizer tok = vocabulary.get();
        Training.FineTuned ft = Training.fromScratch(items, tok, settings.arch(), settings.fineTune(), backend, progress);
        ModelFolder.save(ft.model(), dir, origin);
        r.fineTuneLosses().put(name, ft.losses());
        r.seconds().put("fine_tune_" + name, RunReport.secondsSince(t));
        log.accept(String.format("%s: fine-tuned %d parameters (vocabulary %d), final loss %.3f", name,
                ft.model().decoder().parameters().size(), tok.vocabSize(), ft.losses().getLast()));
        return ft.model();
    }

    /** The fingerprint of a model fine-tuned on {@code items} with this run's settings; {@code vocabulary}: where else its vocabulary came from. */
    private String origin(String name, List<QaItem> items, String vocabulary) {
        Fingerprint f = new Fingerprint().text(name).text(settings.arch().toString()).text(settings.fineTune().toString())
                .text(vocabulary);
        for (QaItem item : items) f.text(item.toString());
        return f.hex();
    }

    private void done(Result r, String stage, long start, Consumer<Result> partial) {
        r.seconds().put(stage, RunReport.secondsSince(start));
        String name = stage.startsWith("evaluate_") ? stage.substring("evaluate_".length()) : stage;
        var m = r.models().get(name).metrics();
        log.accept(String.format("%s: unlearn quality %.3f, utility %.3f, forget quality %.3g, model utility %.3f (%.0f s)", name,
                m.unlearnQuality(), m.utility(), m.extra().get("tofu_forget_quality"), m.extra().get("tofu_model_utility"),
                r.seconds().get(stage)));
        r.models().get(name).wikitextShift().ifPresent(s -> log.accept(name + ": " + s.describe()));
        partial.accept(r);
    }
}
