package dev.pmcj.pmc.pipeline;

import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.unlearn.Unlearner;
import dev.pmcj.pmc.unlearn.Unlearner.ProgressSink;
import dev.pmcj.pmc.unlearn.UnlearningMethod;
import dev.pmcj.tensor.Backend;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.tokenizer.Tokenizer;

import java.util.List;

/** Fine-tuning a fresh model, unlearning with the per-epoch probe, and copying a model: the jobs' steps. */
public final class Training {
    private Training() {
    }

    /** A fine-tuned model and the mean loss of each epoch. */
    public record FineTuned(QaModel model, List<Double> losses) {
    }

    /** A freshly initialised decoder of {@code arch} (seeded) over {@code tokenizer}, fine-tuned on {@code items}. */
    public static FineTuned fromScratch(List<QaItem> items, Tokenizer tokenizer, Architecture arch, FineTune.Settings s,
                                        Backend backend, ProgressSink progress) {
        Decoder decoder = new Decoder(arch.config(tokenizer.vocabSize()), Decoder.newParameters(arch.config(tokenizer.vocabSize()), backend));
        decoder.initialize(s.seed());
        QaModel model = new QaModel(decoder, tokenizer);
        return new FineTuned(model, FineTune.run(model, items, s, progress));
    }

    /** An independent copy of {@code source}'s weights on the same backend, sharing the tokenizer. */
    public static QaModel copyOf(QaModel source) {
        Decoder s = source.decoder();
        Backend backend = s.parameters().backend();
        Decoder d = new Decoder(s.config(), Decoder.newParameters(s.config(), backend));
        backend.copy(s.parameters().params(), d.parameters().params());
        return new QaModel(d, source.tokenizer());
    }

    /** Runs (or resumes, from {@code s.checkpointDir()}) {@code method} on {@code model} in place, probing each epoch. */
    public static List<Unlearner.EpochRecord> unlearn(UnlearningMethod method, QaModel model, UnlearningData data,
                                                      Unlearner.Settings s, int maxTotalLength, ProgressSink progress) {
        return Unlearner.run(method, model.decoder(), data.retain().size(), s,
                epoch -> UnlearnProbe.measure(method, model, data, maxTotalLength), progress);
    }
}
