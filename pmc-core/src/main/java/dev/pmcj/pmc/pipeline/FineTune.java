package dev.pmcj.pmc.pipeline;

import dev.pmcj.autograd.optim.AdamW;
import dev.pmcj.autograd.optim.Schedule;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.unlearn.Permutation;
import dev.pmcj.pmc.unlearn.Unlearner.ProgressSink;
import dev.pmcj.transformer.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Supervised fine-tuning on question-answer pairs (loss on answer tokens only), AdamW with a linear
 * warm-up over the first epoch and linear decay. Label smoothing keeps the model from memorising to
 * loss 0, which would leave PMC nothing to sample (pmc.md section 7).
 */
public final class FineTune {

    public record Settings(int epochs, int batch, float lr, float weightDecay, float labelSmoothing, long seed) {
        public Settings {
            if (epochs < 1 || batch < 1) throw new IllegalArgumentException("fine-tune: epochs and batch must be >= 1");
        }
    }

    private FineTune() {
    }

    /** Trains {@code model} in place; returns the mean loss of each epoch. */
    public static List<Double> run(QaModel model, List<QaItem> items, Settings s, ProgressSink progress) {
        if (items.isEmpty()) throw new IllegalArgumentException("fine-tune: no training items");
        int perEpoch = (items.size() + s.batch() - 1) / s.batch();
        Trainer trainer = new Trainer(model.decoder(), AdamW.withWeightDecay(s.weightDecay()),
                new Schedule.WarmupLinear(s.lr(), perEpoch, (long) perEpoch * s.epochs()), 1, 1.0f);
        List<Double> losses = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(s.seed());
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            int[] order = Permutation.shuffled(items.size(), rng);
            double sum = 0;
            for (int b = 0; b < perEpoch; b++) {
                List<String> q = new ArrayList<>(s.batch()), a = new ArrayList<>(s.batch());
                for (int i = b * s.batch(); i < Math.min(order.length, (b + 1) * s.batch()); i++) {
                    q.add(items.get(order[i]).question());
                    a.add(items.get(order[i]).answer());
                }
                sum += trainer.microStep(tape -> model.meanLoss(tape, q, a, s.labelSmoothing()));
                progress.advance((long) epoch * perEpoch + b + 1, (long) perEpoch * s.epochs(),
                        String.format("fine-tune epoch %d/%d loss %.3f", epoch + 1, s.epochs(), trainer.lastLoss()));
            }
            losses.add(sum / perEpoch);
        }
        return losses;
    }
}
