package dev.pmcj.pmc.pipeline;

import dev.pmcj.pmc.data.AuthorData;
import dev.pmcj.pmc.data.AuthorGenerator;
import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.eval.ModelEvaluator;
import dev.pmcj.pmc.eval.ModelEvaluation;
import dev.pmcj.pmc.eval.OverUnlearning;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.unlearn.ForeignCheckpointException;
import dev.pmcj.pmc.unlearn.Unlearner;
import dev.pmcj.pmc.unlearn.UnlearningMethod;
import dev.pmcj.tensor.Backend;
import dev.pmcj.transformer.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
        UnlearningData data = authors.split(settings.splitPercent()).withGeneralRetainWeight(settings.generalRetainWeight());
        Tokenizer tokenizer = Vocabulary.train(data, settings.architecture().vocab());
        log.accept(String.format("data: %d fine-tuning items, %d forget, %d retain; vocabulary %d tokens",
                data.fineTune().size(), data.forget().size(), data.retain().size(), tokenizer.vocabSize()));
        seconds.put("data_and_vocabulary", RunReport.secondsSince(t0));

        long t1 = System.nanoTime();
        Training.FineTuned fineTuned = Training.fromScratch(data.fineTune(), tokenizer, settings.architecture(),
                settings.fineTune(), backend, progress);
        QaModel finetuned = fineTuned.model();
        List<Double> ftLoss = fineTuned.losses();
        seconds.put("fine_tune", RunReport.secondsSince(t1));
        keep("finetuned", finetuned);
        log.accept(String.format("fine-tuned %d parameters, final loss %.3f", finetuned.decoder().parameters().size(),
                ftLoss.getLast()));

        long tw = System.nanoTime();
        Optional<OverUnlearning> wikitext = wikitext(finetuned, data);
        if (wikitext.isPresent()) seconds.put("wikitext_base", RunReport.secondsSince(tw));
        ModelEvaluator evaluator = new ModelEvaluator(settings.eval());
        Map<String, ModelEvaluation> models = new LinkedHashMap<>();
        Map<String, List<Unlearner.EpochRecord>> histories = new LinkedHashMap<>();
        long t2 = System.nanoTime();
        models.put("finetuned", evaluator.evaluate(finetuned, data));
        seconds.put("evaluate_finetuned", RunReport.secondsSince(t2));
        double floor = authors.ignoranceFloor(data.forget());
        log.accept(String.format("finetuned: unlearn quality %.3f (ignorance floor %.3f), utility %.3f",
                models.get("finetuned").metrics().unlearnQuality(), floor, models.get("finetuned").metrics().utility()));

        for (String name : settings.methods()) {
            long tm = System.nanoTime();
            QaModel model = Training.copyOf(finetuned);
            UnlearningMethod method = Methods.create(name, settings.pmc(), model, data);
            Unlearner.Settings us = Methods.trainerSettings(name, settings.pmc(), settings.baselineEpochs(),
                    settings.baselineLr(), settings.seed(), out.resolve("checkpoints").resolve(name));
            histories.put(name, unlearn(method, model, data, us));
            keep(name, model);
            ModelEvaluation e = evaluator.evaluate(model, data);
            models.put(name, wikitext.map(w -> w.addTo(e, model)).orElse(e));
            seconds.put(name, RunReport.secondsSince(tm));
            log.accept(String.format("%s: unlearn quality %.3f, utility %.3f (%.0f s)", name,
                    models.get(name).metrics().unlearnQuality(), models.get(name).metrics().utility(), seconds.get(name)));
            models.get(name).wikitextShift().ifPresent(s -> log.accept(name + ": " + s.describe()));
        }
        return new DemoResult(models, histories, ftLoss, floor, seconds);
    }

    /**
     * Unlearning resumes from OUT/checkpoints/NAME; a checkpoint there from another run (other data, weights
     * or settings) is replaced, as the demo replaces everything else in OUT.
     */
    private List<Unlearner.EpochRecord> unlearn(UnlearningMethod method, QaModel model, UnlearningData data, Unlearner.Settings us) {
        Supplier<List<Unlearner.EpochRecord>> run = () -> Training.unlearn(method, model, data, us,
                settings.eval().maxTotalLength(), progress);
        try {
            return run.get();
        } catch (ForeignCheckpointException e) {
            log.accept(String.format("%s: %s holds the checkpoint of another run (%s); starting afresh", method.name(),
                    e.file(), e.reason()));
            try {
                Files.delete(e.file());
            } catch (IOException io) {
                throw new UncheckedIOException("cannot remove " + e.file(), io);
            }
            return run.get();
        }
    }

    /** The over-unlearning reference on the fine-tuned model, when the settings name a text. */
    private Optional<OverUnlearning> wikitext(QaModel finetuned, UnlearningData data) {
        Optional<OverUnlearning> w;
        try {
            w = OverUnlearning.ifAsked(settings.eval(), finetuned, data.forget());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the wikitext file " + settings.eval().wikitext(), e);
        }
        w.ifPresent(o -> log.accept(o.describe()));
        return w;
    }

    /** Saves a final model as OUT/models/NAME (see {@link ModelFolder}). */
    private void keep(String name, QaModel model) {
        try {
            ModelFolder.save(model, out.resolve("models").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model " + name, e);
        }
    }
}
