package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.eval.EvalSettings;
import dev.pmcj.pmc.eval.ModelEvaluation;
import dev.pmcj.pmc.eval.ModelEvaluator;
import dev.pmcj.pmc.eval.OverUnlearning;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.pipeline.Methods;
import dev.pmcj.pmc.pipeline.ModelFolder;
import dev.pmcj.pmc.pipeline.RunReport;
import dev.pmcj.pmc.pipeline.Training;
import dev.pmcj.pmc.unlearn.PmcConfig;
import dev.pmcj.pmc.unlearn.Unlearner;
import dev.pmcj.pmc.unlearn.UnlearningMethod;
import dev.pmcj.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code pmc unlearn}: one unlearning method on a saved model, with checkpoints it resumes from. */
@Command(name = "unlearn", mixinStandardHelpOptions = true,
        description = "Unlearns the forget split from a model folder with one method, checkpointing each epoch in "
                + "OUT/checkpoints (a rerun resumes from there), saves OUT/model, evaluates the model before and after, "
                + "writes config.json, metrics.json and report.html.")
public final class UnlearnCommand implements Callable<Integer> {
    /** The demo's baselines: a few epochs at a moderate rate (GA collapses within one). */
    static final int BASELINE_EPOCHS = 5;
    static final float BASELINE_LR = 1e-3f;

    @Mixin
    RunOptions run;

    @Mixin
    DataOptions data;

    @Mixin
    EvalOptions eval;

    @Mixin
    WikitextOptions wikitext;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (from pmc finetune).")
    Path model;

    @Option(names = "--method", required = true, paramLabel = "pmc|ga|graddiff|npo|simnpo|idk", description = "Unlearning method.")
    String method;

    @Option(names = "--epochs", paramLabel = "N", description = "Unlearning epochs (default: PMC 20, baselines 5).")
    Integer epochs;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: PMC 2e-3, baselines 1e-3).")
    Float lr;

    @Mixin
    UnlearnOptions unlearn;

    @Override
    public Integer call() throws IOException {
        if (!Methods.NAMES.contains(method)) throw new UserError("--method: unknown method '" + method + "' (" + String.join(", ", Methods.NAMES) + ")");
        UnlearningData d = data.load();
        Backend backend = run.backend();
        QaModel start = ModelFolder.load(model, backend);
        EvalSettings es = eval.settings(start.maxLength()).withWikitext(wikitext.file());
        PmcConfig pmc = unlearn.pmc(es.maxTotalLength(), epochs, lr);
        boolean isPmc = method.equals("pmc");
        Unlearner.Settings us = Methods.trainerSettings(method, pmc, epochs != null ? epochs : BASELINE_EPOCHS,
                lr != null ? lr : BASELINE_LR, run.seed, run.out.resolve("checkpoints"));

        Map<String, Object> config = RunFiles.newConfig("unlearn", backend);
        config.put("model", model.toString());
        config.put("method", method);
        config.put("data", data.describe());
        config.put("trainer", us);
        if (isPmc) config.put("pmc", pmc);
        else config.put("lambda", pmc.lambda());
        config.put("eval", es);
        RunFiles.config(run.out, config);

        ModelEvaluator evaluator = new ModelEvaluator(es);
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        ModelEvaluation before = evaluator.evaluate(start, d);
        Optional<OverUnlearning> shift = OverUnlearning.ifAsked(es, start, d.forget());
        seconds.put("evaluate_start", RunReport.secondsSince(t0));

        long t1 = System.nanoTime();
        QaModel unlearned = Training.copyOf(start);
        UnlearningMethod m = Methods.create(method, pmc, unlearned, d);
        List<Unlearner.EpochRecord> history;
        try (StageProgress progress = run.progress()) {
            history = Training.unlearn(m, unlearned, d, us, es.maxTotalLength(), progress);
        }
        seconds.put(method, RunReport.secondsSince(t1));
        ModelFolder.save(unlearned, run.out.resolve("model"));
        run.log("unlearn", String.format("%s: %d epochs in %.0f s; saved %s", method, us.epochs(), seconds.get(method), run.out.resolve("model")));

        long t2 = System.nanoTime();
        Map<String, ModelEvaluation> models = new LinkedHashMap<>();
        models.put("finetuned", before);
        ModelEvaluation after = evaluator.evaluate(unlearned, d);
        models.put(method, shift.map(w -> w.addTo(after, unlearned)).orElse(after));
        seconds.put("evaluate_" + method, RunReport.secondsSince(t2));
        RunReport report = new RunReport("PMC-J unlearning: " + method + " on " + d.name(),
                String.format("Unlearned %d forget items of %s with %s for %d epochs (retain pool %d items); 'finetuned' is the "
                        + "starting model. Unlearn quality = 1 - mean ROUGE-L recall on forget and paraphrased forget; utility = "
                        + "mean recall on retain, world facts and real authors.", d.forget().size(), d.name(), method, us.epochs(),
                        d.retain().size()),
                models, "finetuned", Map.of(), Map.of(method, history), seconds);
        RunFiles.finish(run.out, report, RunFiles.info("seed", run.seed, "device", backend.name(), "history", history, "seconds", seconds));
        return 0;
    }
}
