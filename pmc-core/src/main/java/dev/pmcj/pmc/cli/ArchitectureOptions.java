package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.pipeline.Architecture;
import picocli.CommandLine.Option;

/** The shape of a model trained from scratch; unset options take the command's defaults. */
public final class ArchitectureOptions {
    @Option(names = "--vocab", paramLabel = "N", description = "BPE vocabulary size to train.")
    Integer vocab;

    @Option(names = "--layers", paramLabel = "N", description = "Transformer blocks.")
    Integer layers;

    @Option(names = "--dim", paramLabel = "N", description = "Model width.")
    Integer dim;

    @Option(names = "--heads", paramLabel = "N", description = "Attention heads.")
    Integer heads;

    @Option(names = "--context", paramLabel = "N", description = "Longest prompt + answer in tokens.")
    Integer context;

    Architecture resolve(Architecture d) {
        return new Architecture(vocab != null ? vocab : d.vocab(), layers != null ? layers : d.layers(),
                dim != null ? dim : d.dim(), heads != null ? heads : d.heads(), context != null ? context : d.context());
    }
}
