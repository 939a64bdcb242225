package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.eval.EvalSettings;
import dev.pmcj.pmc.eval.ModelEvaluation;
import dev.pmcj.pmc.eval.ModelEvaluator;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.pipeline.Architecture;
import dev.pmcj.pmc.pipeline.FineTune;
import dev.pmcj.pmc.pipeline.ModelFolder;
import dev.pmcj.pmc.pipeline.RunReport;
import dev.pmcj.pmc.pipeline.Training;
import dev.pmcj.pmc.pipeline.Vocabulary;
import dev.pmcj.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code pmc finetune}: a model fine-tuned on all the data, from scratch or from a model folder. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Fine-tunes on the whole data set (forget and retain), from scratch with a BPE vocabulary trained on "
                + "the data or from --checkpoint; saves the model folder OUT/model, evaluates it, writes config.json, "
                + "metrics.json and report.html.")
public final class FinetuneCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Mixin
    DataOptions data;

    @Mixin
    ArchitectureOptions arch;

    @Mixin
    EvalOptions eval;

    @Mixin
    TrainOptions train;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Model folder to start from instead of from scratch.")
    Path checkpoint;

    /** The demo's model for built-in data; a longer context for TOFU's longer answers. */
    static Architecture defaultArchitecture(boolean builtin) {
        return builtin ? new Architecture(1024, 2, 128, 4, 96) : new Architecture(2048, 2, 128, 4, 256);
    }

    @Override
    public Integer call() throws IOException {
        UnlearningData d = data.load();
        Backend backend = run.backend();
        FineTune.Settings ft = train.settings(run.seed);
        long t0 = System.nanoTime();
        Training.FineTuned result;
        Architecture shape = null;
        try (StageProgress progress = run.progress()) {
            if (checkpoint != null) {
                if (arch.vocab != null || arch.layers != null || arch.dim != null || arch.heads != null || arch.context != null) {
                    throw new UserError("--vocab, --layers, --dim, --heads and --context describe a new model; --checkpoint has its own");
                }
                QaModel start = ModelFolder.load(checkpoint, backend);
                result = new Training.FineTuned(start, FineTune.run(start, d.fineTune(), ft, progress));
            } else {
                shape = arch.resolve(defaultArchitecture(data.builtin()));
                result = Training.fromScratch(d.fineTune(), Vocabulary.train(d, shape.vocab()), shape, ft, backend, progress);
            }
        }
        double trainSeconds = RunReport.secondsSince(t0);
        QaModel model = result.model();
        ModelFolder.save(model, run.out.resolve("model"));
        run.log("finetune", String.format("fine-tuned %d parameters in %.0f s, final loss %.3f; saved %s",
                model.decoder().parameters().size(), trainSeconds, result.losses().getLast(), run.out.resolve("model")));

        Map<String, Object> config = RunFiles.newConfig("finetune", backend);
        config.put("data", data.describe());
        config.put("checkpoint", checkpoint == null ? null : checkpoint.toString());
        config.put("architecture", shape);
        config.put("model", model.decoder().config());
        config.put("fine_tune", ft);
        EvalSettings es = eval.settings(model.maxLength());
        config.put("eval", es);
        RunFiles.config(run.out, config);

        long t1 = System.nanoTime();
        ModelEvaluation e = new ModelEvaluator(es).evaluate(model, d);
        double evalSeconds = RunReport.secondsSince(t1);
        Map<String, Double> seconds = new LinkedHashMap<>(Map.of("fine_tune", trainSeconds));
        seconds.put("evaluate", evalSeconds);
        RunReport report = new RunReport("PMC-J fine-tuning on " + d.name(),
                String.format("%d items, %d epochs; greedy answers scored by ROUGE-L recall (paper units).", d.fineTune().size(), ft.epochs()),
                Map.of("finetuned", e), null, Map.of("finetuned", result.losses()), Map.of(), seconds);
        RunFiles.finish(run.out, report, RunFiles.info("seed", run.seed, "device", backend.name(), "fine_tune_loss", result.losses(),
                "seconds", seconds));
        return 0;
    }
}
