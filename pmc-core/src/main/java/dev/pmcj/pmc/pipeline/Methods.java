package dev.pmcj.pmc.pipeline;

import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.unlearn.GradDiff;
import dev.pmcj.pmc.unlearn.GradientAscent;
import dev.pmcj.pmc.unlearn.Idk;
import dev.pmcj.pmc.unlearn.Npo;
import dev.pmcj.pmc.unlearn.Pmc;
import dev.pmcj.pmc.unlearn.PmcConfig;
import dev.pmcj.pmc.unlearn.SimNpo;
import dev.pmcj.pmc.unlearn.Unlearner;
import dev.pmcj.pmc.unlearn.UnlearningMethod;

import java.nio.file.Path;
import java.util.List;

/** Builds an unlearning method by name, with the baselines' constants of pmc.md section 4. */
public final class Methods {
    public static final List<String> NAMES = List.of("pmc", "ga", "graddiff", "npo", "simnpo", "idk");
    /** NPO's beta; SimNPO's beta and gamma (pmc.md section 4). */
    public static final float NPO_BETA = 0.1f, SIMNPO_BETA = 4.5f, SIMNPO_GAMMA = 0.125f;

    private Methods() {
    }

    /** The method {@code name} on {@code model}; every retain term is weighted by {@code pmc.lambda()}. */
    public static UnlearningMethod create(String name, PmcConfig pmc, QaModel model, UnlearningData d) {
        float lambda = pmc.lambda();
        return switch (name) {
            case "pmc" -> new Pmc(pmc, model, d.forgetQuestions(), d.retain());
            case "ga" -> new GradientAscent(model, d.forget());
            case "graddiff" -> new GradDiff(model, d.forget(), d.retain(), lambda);
            case "npo" -> new Npo(model, d.forget(), d.retain(), NPO_BETA, lambda);
            case "simnpo" -> new SimNpo(model, d.forget(), d.retain(), SIMNPO_BETA, SIMNPO_GAMMA, lambda);
            case "idk" -> new Idk(model, d.forget(), d.retain(), d.refusals(), lambda);
            default -> throw new IllegalArgumentException("unknown method '" + name + "' (" + String.join(", ", NAMES) + ")");
        };
    }

    /**
     * The trainer's settings for method {@code name}: PMC's own, or for a baseline its epochs and peak rate
     * with PMC's forget batch and weight decay and no gradient accumulation.
     */
    public static Unlearner.Settings trainerSettings(String name, PmcConfig pmc, int baselineEpochs, float baselineLr,
                                                     long seed, Path checkpoints) {
        return name.equals("pmc")
                ? Unlearner.Settings.of(pmc, seed, checkpoints)
                : new Unlearner.Settings(baselineEpochs, pmc.forgetBatch(), 1, baselineLr, pmc.weightDecay(), seed,
                        "retain weight " + pmc.lambda(), checkpoints);
    }
}
