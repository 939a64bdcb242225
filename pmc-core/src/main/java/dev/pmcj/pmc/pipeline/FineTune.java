package dev.pmcj.pmc.pipeline;

import dev.pmcj.autograd.optim.AdamW;
import dev.pmcj.autograd.optim.Schedule;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.unlearn.Permutation;
import dev.pmcj.pmc.unlearn.Unlearner.ProgressSink;
import dev.pmcj.transformer.model.Batch;
import dev.pmcj.transformer.train.Trainer;

import java.util.ArrayList;
import java.util.Comparator;
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
        List<QaModel.Encoded> encoded = items.stream().map(q -> model.encode(q.question(), q.answer())).toList();
        List<Double> losses = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(s.seed());
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            List<List<QaModel.Encoded>> batches = lengthBucketed(encoded, s.batch(), rng);
            double sum = 0;
            for (int b = 0; b < batches.size(); b++) {
                Batch batch = model.batch(batches.get(b));
                sum += trainer.microStep(tape -> model.decoder().meanLoss(tape, batch, s.labelSmoothing()));
                progress.advance((long) epoch * perEpoch + b + 1, (long) perEpoch * s.epochs(),
                        String.format("fine-tune epoch %d/%d loss %.3f", epoch + 1, s.epochs(), trainer.lastLoss()));
            }
            losses.add(sum / perEpoch);
        }
        return losses;
    }

    /**
     * Random batches of similar lengths, so little of each batch is padding: shuffle, sort windows of
     * {@value #BUCKET_WINDOW} batches by length, cut them into batches, shuffle the batch order.
     */
    static List<List<QaModel.Encoded>> lengthBucketed(List<QaModel.Encoded> rows, int batch, SplittableRandom rng) {
        int[] order = Permutation.shuffled(rows.size(), rng);
        List<List<QaModel.Encoded>> batches = new ArrayList<>();
        int window = batch * BUCKET_WINDOW;
        for (int from = 0; from < order.length; from += window) {
            List<QaModel.Encoded> chunk = new ArrayList<>();
            for (int i = from; i < Math.min(order.length, from + window); i++) chunk.add(rows.get(order[i]));
            chunk.sort(Comparator.comparingInt(QaModel.Encoded::length));
            for (int i = 0; i < chunk.size(); i += batch) batches.add(chunk.subList(i, Math.min(chunk.size(), i + batch)));
        }
        int[] batchOrder = Permutation.shuffled(batches.size(), rng);
        List<List<QaModel.Encoded>> out = new ArrayList<>(batches.size());
        for (int i : batchOrder) out.add(batches.get(i));
        return out;
    }

    private static final int BUCKET_WINDOW = 8;
}
