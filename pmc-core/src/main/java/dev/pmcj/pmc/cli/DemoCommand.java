package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.pipeline.Demo;
import dev.pmcj.pmc.pipeline.DemoOutput;
import dev.pmcj.pmc.pipeline.DemoResult;
import dev.pmcj.pmc.pipeline.DemoSettings;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pmc demo}: the whole job on built-in data, no downloads. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate fictitious authors, fine-tune a small model, unlearn 10%% with PMC and baselines, evaluate, report.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "runs/demo", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of data, model and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, scalar or opencl[:N] (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--methods", split = ",", description = "Methods to run (default: pmc,ga,npo; also graddiff, simnpo, idk).")
    List<String> methods;

    @Option(names = "--authors", description = "Fictitious authors to generate (default: 60).")
    Integer authors;

    @Option(names = "--finetune-epochs", description = "Fine-tuning epochs (default: from the demo settings).")
    Integer finetuneEpochs;

    @Option(names = "--pmc-epochs", description = "PMC epochs (default: from the demo settings).")
    Integer pmcEpochs;

    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;

    @Mixin
    WikitextOptions wikitext;

    @Override
    public Integer call() throws IOException {
        Backend backend = Backends.select(device);
        DemoSettings defaults = DemoSettings.defaults(seed);
        DemoSettings settings = methods == null ? defaults : defaults.withMethods(methods);
        if (authors != null) settings = settings.withAuthors(authors);
        settings = settings.withWikitext(wikitext.file());
        if (finetuneEpochs != null || pmcEpochs != null) {
            settings = settings.withEpochs(finetuneEpochs != null ? finetuneEpochs : settings.fineTune().epochs(),
                    pmcEpochs != null ? pmcEpochs : settings.pmc().epochs());
        }
        DemoResult result;
        try (StageProgress progress = new StageProgress(quiet)) {
            result = new Demo(settings, backend, out, msg -> System.err.println("pmc demo: " + msg), progress).run();
        }
        DemoOutput.write(out, settings, backend.name(), result);
        Summary.print(result.metrics(), out);
        return 0;
    }
}
