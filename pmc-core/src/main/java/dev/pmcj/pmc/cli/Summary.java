package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.eval.ModelMetrics;

import java.nio.file.Path;
import java.util.Map;

/** The few figures a run prints on standard output when it ends. */
final class Summary {
    private Summary() {
    }

    static void print(Map<String, ModelMetrics> models, Path out) {
        models.forEach((name, m) -> {
            StringBuilder s = new StringBuilder(String.format("%-10s unlearn_quality %.3f  utility %.3f  sampling_attack_rouge %.3f",
                    name, m.unlearnQuality(), m.utility(), m.samplingAttackRouge()));
            for (String k : new String[] {"tofu_forget_quality", "tofu_model_utility"}) {
                Double v = m.extra().get(k);
                if (v != null) s.append(String.format("  %s %.4g", k.substring(5), v));
            }
            System.out.println(s);
        });
        System.out.println("wrote " + out.resolve("metrics.json") + " and " + out.resolve("report.html"));
    }
}
