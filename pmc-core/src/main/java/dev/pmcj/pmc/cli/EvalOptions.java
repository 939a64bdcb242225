package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.eval.EvalSettings;
import picocli.CommandLine.Option;

/** How models are evaluated: the reference settings with fewer attack samples and a length cap. */
public final class EvalOptions {
    @Option(names = "--attack-samples", defaultValue = "20", paramLabel = "N",
            description = "Samples per forget question in the sampling attack (reference 100; default: ${DEFAULT-VALUE}).")
    int attackSamples;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Cap on prompt + generated answer in tokens (default: the model's context, at most 200).")
    Integer maxLength;

    EvalSettings settings(int context) {
        int cap = maxLength != null ? maxLength : Math.min(context, EvalSettings.reference().maxTotalLength());
        if (cap < 2 || cap > context) throw new UserError("--max-length must be in 2.." + context + " (the model's context), got " + cap);
        if (attackSamples < 0) throw new UserError("--attack-samples must not be negative, got " + attackSamples);
        return EvalSettings.reference().withAttackSamples(attackSamples).withMaxTotalLength(cap);
    }
}
