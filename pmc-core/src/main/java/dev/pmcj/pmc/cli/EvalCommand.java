package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.eval.EvalSettings;
import dev.pmcj.pmc.eval.ModelEvaluation;
import dev.pmcj.pmc.eval.ModelEvaluator;
import dev.pmcj.pmc.eval.OverUnlearning;
import dev.pmcj.pmc.eval.TofuEvaluation;
import dev.pmcj.pmc.eval.TofuEvaluator;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.pipeline.ModelFolder;
import dev.pmcj.pmc.pipeline.RunReport;
import dev.pmcj.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code pmc eval}: the paper's metrics and attacks plus TOFU's metrics of one model folder. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluates a model folder: unlearn quality, utility, sampling and prefill attacks (paper units) and "
                + "TOFU's probability, truth ratio and model utility; forget quality too when --retain-model is given. "
                + "Writes config.json, metrics.json and report.html.")
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Mixin
    DataOptions data;

    @Mixin
    EvalOptions eval;

    @Mixin
    WikitextOptions wikitext;

    @Option(names = "--base-model", paramLabel = "DIR",
            description = "Model folder the evaluated model was unlearned from: the reference of the --wikitext probability shift.")
    Path baseModel;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder to evaluate.")
    Path model;

    @Option(names = "--retain-model", paramLabel = "DIR",
            description = "Model folder trained on the retain set only: the reference of TOFU's forget quality.")
    Path retainModel;

    @Option(names = "--name", defaultValue = "model", paramLabel = "NAME", description = "The model's key in metrics.json (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() throws IOException {
        Path text = wikitext.file();
        if ((text == null) != (baseModel == null)) throw new UserError("--wikitext and --base-model go together (the shift is measured against the base model)");
        UnlearningData d = data.load();
        Backend backend = run.backend();
        QaModel m = ModelFolder.load(model, backend);
        QaModel reference = retainModel == null ? null : ModelFolder.load(retainModel, backend);
        QaModel base = baseModel == null ? null : ModelFolder.load(baseModel, backend);
        EvalSettings es = eval.settings(m.maxLength()).withWikitext(text);
        Map<String, Object> config = RunFiles.newConfig("eval", backend);
        config.put("model", model.toString());
        config.put("retain_model", retainModel == null ? null : retainModel.toString());
        config.put("base_model", baseModel == null ? null : baseModel.toString());
        config.put("data", data.describe());
        config.put("eval", es);
        RunFiles.config(run.out, config);

        long t0 = System.nanoTime();
        TofuEvaluator tofu = new TofuEvaluator(es.maxTotalLength());
        TofuEvaluation own = tofu.evaluate(m, d);
        double forgetQuality = reference == null ? Double.NaN : own.forgetQuality(tofu.evaluate(reference, d));
        ModelEvaluation e = own.addTo(new ModelEvaluator(es).evaluate(m, d), forgetQuality);
        if (base != null) e = OverUnlearning.load(text, base, d.forget()).addTo(e, m);
        Map<String, Double> seconds = Map.of("evaluate", RunReport.secondsSince(t0));
        RunReport report = new RunReport("PMC-J evaluation of " + model.getFileName() + " on " + d.name(),
                "Paper units: greedy answers scored by ROUGE-L recall (unlearn quality over forget and paraphrased forget, utility "
                        + "over retain, world facts and real authors) and the sampling and prefill attacks. TOFU units (tofu_*): "
                        + "length-normalised answer probability, truth ratio, model utility (harmonic mean) and forget quality "
                        + "(KS p-value against the retain-only model" + (reference == null ? ", not given here)." : ")."),
                Map.of(name, e), null, Map.of(), Map.of(), seconds);
        RunFiles.finish(run.out, report, RunFiles.info("device", backend.name(), "seconds", seconds));
        return 0;
    }
}
