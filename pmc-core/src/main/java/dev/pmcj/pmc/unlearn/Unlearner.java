package dev.pmcj.pmc.unlearn;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmcj.autograd.optim.AdamW;
import dev.pmcj.autograd.optim.Schedule;
import dev.pmcj.pmc.model.Fingerprint;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.train.Trainer;
import dev.pmcj.transformer.train.TrainingCheckpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The one trainer every unlearning method runs on: each epoch walks the forget set in a random order in
 * micro-batches, pairs every forget item with a uniformly random retain item, and steps AdamW with a
 * linear warm-up over the first epoch and a linear decay after it. After each epoch it records the
 * caller's probe metrics and, when given a folder, saves a checkpoint that {@link #run} resumes from.
 * Randomness derives from (seed, epoch, micro-batch) alone, so a resumed run repeats an uninterrupted one.
 */
public final class Unlearner {

    /**
     * @param objective     the method's own settings as text (PMC's config, a baseline's retain weight): part of
     *                      what a checkpoint must match to be resumed
     * @param checkpointDir where each epoch's checkpoint goes and a run resumes from; null for none
     */
    public record Settings(int epochs, int forgetBatch, int gradAccum, float lr, float weightDecay, long seed,
                           String objective, Path checkpointDir) {
        public static Settings of(PmcConfig c, long seed, Path checkpointDir) {
            return new Settings(c.epochs(), c.forgetBatch(), c.gradAccum(), c.lr(), c.weightDecay(), seed, c.objective(),
                    checkpointDir);
        }
    }

    /** Metrics measured after an epoch (e.g. ROUGE-L to the initial answers, forget and retain losses). */
    @FunctionalInterface
    public interface EpochProbe {
        Map<String, Double> measure(int epoch);
    }

    /** Reports micro-batches done out of the run's total. */
    @FunctionalInterface
    public interface ProgressSink {
        void advance(long done, long total, String message);
    }

    /** One epoch's record: the mean training loss plus whatever the probe measured. */
    public record EpochRecord(int epoch, double meanLoss, Map<String, Double> metrics) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Unlearner() {
    }

    /** Runs (or resumes) {@code method} on {@code model}'s weights in place; returns the per-epoch history. */
    public static List<EpochRecord> run(UnlearningMethod method, Decoder model, int retainSize, Settings s,
                                        EpochProbe probe, ProgressSink progress) {
        int forget = method.forgetSize();
        if (forget == 0 || retainSize == 0) throw new IllegalArgumentException("unlearning needs forget and retain items");
        int perEpoch = (forget + s.forgetBatch() - 1) / s.forgetBatch();
        long optimizerStepsPerEpoch = Math.max(1, perEpoch / s.gradAccum());
        Trainer trainer = new Trainer(model, AdamW.withWeightDecay(s.weightDecay()),
                new Schedule.WarmupLinear(s.lr(), optimizerStepsPerEpoch, optimizerStepsPerEpoch * s.epochs()),
                s.gradAccum(), Trainer.NO_CLIPPING);
        List<EpochRecord> history = new ArrayList<>();
        // Hashing the weights is a host copy of all of them: only a run that checkpoints needs it.
        String origin = s.checkpointDir() == null ? null : origin(method, model, retainSize, s);
        int start = resume(method, trainer, s.checkpointDir(), origin, history);
        long total = (long) perEpoch * s.epochs();
        for (int epoch = start; epoch < s.epochs(); epoch++) {
            SplittableRandom rng = new SplittableRandom(s.seed() * 7919L + epoch);
            int[] order = Permutation.shuffled(forget, rng);
            double lossSum = 0;
            for (int mb = 0; mb < perEpoch; mb++) {
                int from = mb * s.forgetBatch(), to = Math.min(forget, from + s.forgetBatch());
                int[] f = Arrays.copyOfRange(order, from, to);
                int[] r = new int[f.length];
                for (int i = 0; i < r.length; i++) r[i] = rng.nextInt(retainSize);
                UnlearningMethod.StepInfo info = new UnlearningMethod.StepInfo(epoch, mb, s.seed());
                lossSum += trainer.microStep(tape -> method.loss(tape, f, r, info));
                progress.advance((long) epoch * perEpoch + mb + 1, total,
                        method.name() + " epoch " + (epoch + 1) + "/" + s.epochs());
            }
            flushPending(trainer, method, perEpoch, s);
            history.add(new EpochRecord(epoch + 1, lossSum / perEpoch, probe.measure(epoch + 1)));
            if (s.checkpointDir() != null) save(method, trainer, s.checkpointDir(), origin, epoch + 1, history);
        }
        return history;
    }

    /** An epoch whose micro-batches do not fill the last accumulation group still ends on a step boundary. */
    private static void flushPending(Trainer trainer, UnlearningMethod method, int perEpoch, Settings s) {
        if (trainer.pendingMicroSteps() != 0) {
            throw new IllegalStateException(method.name() + ": " + perEpoch + " micro-batches per epoch is not a multiple of "
                    + "gradient accumulation " + s.gradAccum() + "; choose a batch size that divides the forget set evenly");
        }
    }

    /**
     * What the run starts from, as SHA-256 hex: the method, its settings and the trainer's, the sizes of the
     * forget and retain sets, and the starting weights. Only a run of the same origin resumes a checkpoint;
     * one that a shorter demo left in the folder once continued silently on the wrong model. The epoch count
     * is left out, so that a finished run can be extended.
     */
    static String origin(UnlearningMethod method, Decoder model, int retainSize, Settings s) {
        return new Fingerprint().text(String.join(" ", method.name(), "forget", String.valueOf(method.forgetSize()),
                        "retain", String.valueOf(retainSize), "batch", String.valueOf(s.forgetBatch()), "accumulation",
                        String.valueOf(s.gradAccum()), "lr", Float.toHexString(s.lr()), "decay",
                        Float.toHexString(s.weightDecay()), "seed", String.valueOf(s.seed())))
                .text(s.objective()).weights(model).hex();
    }

    private static void save(UnlearningMethod method, Trainer trainer, Path dir, String origin, int epochsDone,
                             List<EpochRecord> history) {
        ObjectNode extra = JSON.createObjectNode();
        extra.put("method", method.name());
        extra.put("origin", origin);
        extra.put("epochsDone", epochsDone);
        extra.set("history", JSON.valueToTree(history));
        try {
            extra.set("state", JSON.readTree(method.saveState()));
            TrainingCheckpoint.save(dir, trainer, 0L, JSON.writeValueAsString(extra));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint in " + dir, e);
        }
    }

    /**
     * Loads the last checkpoint in {@code dir}, if any; returns the number of epochs already done. A checkpoint
     * of another origin is refused before anything is restored.
     */
    private static int resume(UnlearningMethod method, Trainer trainer, Path dir, String origin, List<EpochRecord> history) {
        Path file = dir == null ? null : dir.resolve(TrainingCheckpoint.FILE);
        if (file == null || !Files.exists(file)) return 0;
        try {
            JsonNode extra = JSON.readTree(TrainingCheckpoint.extraJson(dir));
            String writer = extra.path("method").asText();
            if (!method.name().equals(writer)) throw new ForeignCheckpointException(file, "method '" + writer + "'");
            if (!origin.equals(extra.path("origin").asText())) {
                throw new ForeignCheckpointException(file, "other starting weights, data sizes or settings");
            }
            TrainingCheckpoint.load(dir, trainer);
            method.restoreState(JSON.writeValueAsString(extra.get("state")));
            for (JsonNode e : extra.get("history")) {
                history.add(new EpochRecord(e.get("epoch").asInt(), e.get("meanLoss").asDouble(),
                        JSON.convertValue(e.get("metrics"), new TypeReference<LinkedHashMap<String, Double>>() { })));
            }
            return extra.get("epochsDone").asInt();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume from " + dir, e);
        }
    }
}
