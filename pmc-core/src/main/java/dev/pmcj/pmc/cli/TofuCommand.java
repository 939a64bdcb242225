package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.eval.EvalSettings;
import dev.pmcj.pmc.pipeline.Architecture;
import dev.pmcj.pmc.pipeline.RunReport;
import dev.pmcj.pmc.pipeline.TofuBenchmark;
import dev.pmcj.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code pmc tofu}: the TOFU benchmark end to end on a small model trained from scratch. */
@Command(name = "tofu", mixinStandardHelpOptions = true,
        description = "Fine-tunes a small model from scratch on TOFU (and one on the retain set only, for forget quality), "
                + "unlearns the forget split with PMC and the baselines, evaluates every model in the paper's units and "
                + "TOFU's, writes config.json, metrics.json (after each model) and report.html. A rerun with the same --out "
                + "reuses the saved models and resumes unlearning from its checkpoints.")
public final class TofuCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Mixin
    DataOptions data;

    @Mixin
    ArchitectureOptions arch;

    @Mixin
    TrainOptions train;

    @Mixin
    UnlearnOptions unlearn;

    @Mixin
    EvalOptions eval;

    @Mixin
    WikitextOptions wikitext;

    @Option(names = "--methods", split = ",", defaultValue = "pmc,ga,npo", paramLabel = "M,...",
            description = "Unlearning methods (default: ${DEFAULT-VALUE}; also graddiff, simnpo, idk).")
    List<String> methods;

    @Option(names = "--pmc-epochs", paramLabel = "N", description = "PMC epochs (default 20).")
    Integer pmcEpochs;

    @Option(names = "--pmc-lr", paramLabel = "LR", description = "PMC peak learning rate (default 2e-3).")
    Float pmcLr;

    @Option(names = "--baseline-epochs", defaultValue = "5", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int baselineEpochs;

    @Option(names = "--baseline-lr", defaultValue = "1e-3", paramLabel = "LR", description = "Default: ${DEFAULT-VALUE}.")
    float baselineLr;

    @Override
    public Integer call() throws IOException {
        UnlearningData d = data.load();
        Backend backend = run.backend();
        Architecture shape = arch.resolve(FinetuneCommand.defaultArchitecture(data.builtin()));
        EvalSettings es = eval.settings(shape.context()).withWikitext(wikitext.file());
        TofuBenchmark.Settings s = new TofuBenchmark.Settings(shape, train.settings(run.seed), unlearn.pmc(es.maxTotalLength(), pmcEpochs, pmcLr),
                baselineEpochs, baselineLr, methods, es);
        Map<String, Object> config = RunFiles.newConfig("tofu", backend);
        config.put("data", data.describe());
        config.put("settings", s);
        RunFiles.config(run.out, config);
        run.log("tofu", String.format("%s: %d fine-tuning items, %d forget, %d retain; %d x %d model, context %d",
                d.name(), d.fineTune().size(), d.forget().size(), d.retain().size(), shape.layers(), shape.dim(), shape.context()));

        TofuBenchmark.Result result;
        try (StageProgress progress = run.progress()) {
            result = new TofuBenchmark(s, backend, run.out, msg -> run.log("tofu", msg), progress).run(d, r -> write(d, s, backend, r));
        }
        Summary.print(RunReport.metrics(result.models()), run.out);
        return 0;
    }

    private void write(UnlearningData d, TofuBenchmark.Settings s, Backend backend, TofuBenchmark.Result r) {
        Architecture a = s.arch();
        RunReport report = new RunReport("PMC-J on TOFU " + d.name(), String.format(
                "A %d-layer, %d-wide GPT-2 style model with a %d-token BPE vocabulary trained on the data, fine-tuned from scratch "
                        + "for %d epochs on %d items ('finetuned'), and one on the %d retain items only ('retain', the reference of "
                        + "forget quality); then %s from the fine-tuned weights. Paper units: unlearn quality and utility by ROUGE-L "
                        + "recall; TOFU units: tofu_* (forget quality = KS p-value of forget truth ratios against 'retain').",
                a.layers(), a.dim(), a.vocab(), s.fineTune().epochs(), d.fineTune().size(), d.retain().size(),
                String.join(", ", s.methods())), r.models(), "finetuned", r.fineTuneLosses(), r.histories(), r.seconds());
        try {
            RunFiles.results(run.out, report, RunFiles.info("seed", run.seed, "device", backend.name(), "seconds", r.seconds(),
                    "fine_tune_loss", r.fineTuneLosses(), "history", r.histories()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results in " + run.out, e);
        }
    }
}
