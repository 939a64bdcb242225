package dev.pmcj.transformer.train;

import dev.pmcj.autograd.Ops;
import dev.pmcj.autograd.optim.AdamW;
import dev.pmcj.autograd.optim.Optimizer;
import dev.pmcj.autograd.optim.Schedule;
import dev.pmcj.autograd.optim.Sgd;
import dev.pmcj.tensor.Backends;
import dev.pmcj.transformer.model.Batch;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.model.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    private static final ModelConfig C = TinyModels.LLAMA;

    private static Decoder fresh() {
        Decoder d = new Decoder(C, Decoder.newParameters(C, Backends.scalar()));
        d.initialize(3);
        return d;
    }

    /** The micro-batch of a (step, micro) pair: deterministic, so a resumed run sees the same data. */
    private static Batch batchFor(long step, int micro) {
        int a = (int) (step * 2 + micro);
        return Batch.lm(List.of(new int[]{a % 23, (a + 3) % 23, (a * 7) % 23, 5, 9}, new int[]{(a + 11) % 23, 1, 2, 3}), 0, 8);
    }

    private static void run(Trainer t, long steps) {
        for (long s = 0; s < steps; s++) {
            long step = t.step();
            for (int m = 0; m < t.accumulation(); m++) {
                Batch b = batchFor(step, m);
                t.microStep(tape -> t.model().meanLoss(tape, b, 0.1f));
            }
        }
    }

    private static Trainer trainer(Decoder d) {
        return new Trainer(d, AdamW.withWeightDecay(0.01f), new Schedule.Cosine(3e-3f, 1e-4f, 2, 8), 2, 0.5f);
    }

    @Test
    void resumeFromCheckpointContinuesBitwise(@TempDir Path dir) throws IOException {
        Trainer straight = trainer(fresh());
        run(straight, 6);

        Trainer first = trainer(fresh());
        run(first, 3);
        TrainingCheckpoint.save(dir, first, 0xC0FFEEL, "{\"cache\":[1,2,3]}");
        run(first, 1); // progress after the save must not leak into the checkpoint

        Decoder other = new Decoder(C, Decoder.newParameters(C, Backends.scalar()));
        Trainer resumed = trainer(other);
        TrainingCheckpoint.Restored r = TrainingCheckpoint.load(dir, resumed);
        assertEquals(3, r.step());
        assertEquals(0xC0FFEEL, r.rngState());
        assertEquals("{\"cache\":[1,2,3]}", r.extraJson());
        run(resumed, 3);

        var a = straight.model().parameters();
        var b = resumed.model().parameters();
        assertEquals(6, resumed.step());
        assertArrayEquals(a.params().toHost(), b.params().toHost());
        assertArrayEquals(a.firstMoment().toHost(), b.firstMoment().toHost());
        assertArrayEquals(a.secondMoment().toHost(), b.secondMoment().toHost());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve(TrainingCheckpoint.FILE)), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void loadRejectsTruncatedOrForeignCheckpoints(@TempDir Path dir) throws IOException {
        Trainer t = trainer(fresh());
        TrainingCheckpoint.save(dir, t, 1, "{}");
        Decoder bigger = new Decoder(TinyModels.GPT2, Decoder.newParameters(TinyModels.GPT2, Backends.scalar()));
        var foreign = assertThrows(IOException.class, () -> TrainingCheckpoint.load(dir, trainer(bigger)));
        assertTrue(foreign.getMessage().contains(TrainingCheckpoint.FILE), foreign.getMessage());
        Optimizer sgd = new Sgd(0.9f, 0f);
        var wrongOptimizer = assertThrows(IOException.class,
                () -> TrainingCheckpoint.load(dir, new Trainer(fresh(), sgd, new Schedule.Constant(1f))));
        assertTrue(wrongOptimizer.getMessage().contains("optimizer"), wrongOptimizer.getMessage());
        Path file = dir.resolve(TrainingCheckpoint.FILE);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 4));
        var truncated = assertThrows(IOException.class, () -> TrainingCheckpoint.load(dir, trainer(fresh())));
        assertTrue(truncated.getMessage().contains("size"), truncated.getMessage());

        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, Integer.MAX_VALUE); // a header length past the file's end
        Files.write(file, bytes);
        for (var read : List.<org.junit.jupiter.api.function.Executable>of(() -> TrainingCheckpoint.load(dir, trainer(fresh())),
                () -> TrainingCheckpoint.extraJson(dir))) {
            var lying = assertThrows(TrainingCheckpoint.CheckpointFormatException.class, read);
            assertTrue(lying.getMessage().contains("header length " + Integer.MAX_VALUE), lying.getMessage());
        }
    }

    @Test
    void saveRefusesPendingMicroSteps(@TempDir Path dir) {
        Trainer t = trainer(fresh());
        Batch b = batchFor(0, 0);
        t.microStep(tape -> t.model().meanLoss(tape, b, 0f));
        assertThrows(IllegalStateException.class, () -> TrainingCheckpoint.save(dir, t, 0, "{}"));
    }

    @Test
    void accumulatedMicroBatchesEqualOneLargeBatch() {
        // Two halves with equal unmasked counts: the mean of their means is the mean over the union.
        Batch half1 = Batch.lm(List.of(new int[]{1, 2, 3, 4}), 0, 8), half2 = Batch.lm(List.of(new int[]{5, 6, 7, 8}), 0, 8);
        Batch both = Batch.lm(List.of(new int[]{1, 2, 3, 4}, new int[]{5, 6, 7, 8}), 0, 8);
        Trainer accumulated = new Trainer(fresh(), new Sgd(0f, 0f), new Schedule.Constant(0.5f), 2, Trainer.NO_CLIPPING);
        Trainer whole = new Trainer(fresh(), new Sgd(0f, 0f), new Schedule.Constant(0.5f));
        accumulated.microStep(tape -> accumulated.model().meanLoss(tape, half1, 0f));
        assertEquals(0, accumulated.step());
        accumulated.microStep(tape -> accumulated.model().meanLoss(tape, half2, 0f));
        whole.microStep(tape -> whole.model().meanLoss(tape, both, 0f));
        assertEquals(1, accumulated.step());
        float[] a = accumulated.model().parameters().params().toHost(), w = whole.model().parameters().params().toHost();
        float[] initial = fresh().parameters().params().toHost();
        double moved = 0;
        for (int i = 0; i < a.length; i++) {
            assertEquals(w[i], a[i], 1e-6f, "parameter " + i);
            moved += Math.abs(w[i] - initial[i]);
        }
        assertTrue(moved > 1e-3, "the step must change the parameters");
    }

    @Test
    void nonFiniteLossNamesTheStep() {
        Trainer t = trainer(fresh());
        run(t, 2);
        Batch b = batchFor(0, 0);
        var e = assertThrows(NonFiniteLossException.class,
                () -> t.microStep(tape -> Ops.log(tape, Ops.affine(tape, t.model().meanLoss(tape, b, 0f), 0f, -1f))));
        assertTrue(e.getMessage().contains("step 2"), e.getMessage());
    }
}
