package dev.pmcj.pmc.unlearn;

import dev.pmcj.pmc.fixtures.TinySetup;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.transformer.train.TrainingCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run killed after an epoch and resumed from its checkpoint ends exactly where an uninterrupted run ends;
 * a checkpoint that another run left in the folder is not resumed.
 */
class UnlearnerResumeTest {

    private static final PmcConfig CONFIG = new PmcConfig(1f, 1f, 0.95f, 3, 3, 2, 1, 40, 5e-3f, 0.01f,
            new Selection.Argmin(), 0);

    private record Outcome(float[] params, List<Unlearner.EpochRecord> history, String cache, List<Integer> epochsRun) {
    }

    private static Unlearner.Settings settings(int epochs, float lr, Path dir) {
        return new Unlearner.Settings(epochs, CONFIG.forgetBatch(), 1, lr, CONFIG.weightDecay(), 11L, CONFIG.objective(), dir);
    }

    private Outcome run(TinySetup tiny, Path dir, int epochs) {
        return run(tiny, tiny.freshModel(3), settings(epochs, CONFIG.lr(), dir));
    }

    private Outcome run(TinySetup tiny, QaModel model, Unlearner.Settings settings) {
        Pmc pmc = new Pmc(CONFIG, model, tiny.data.forgetQuestions(), tiny.data.retain());
        List<Integer> epochsRun = new ArrayList<>();
        List<Unlearner.EpochRecord> history = Unlearner.run(pmc, model.decoder(), tiny.data.retain().size(), settings,
                epoch -> {
                    epochsRun.add(epoch);
                    return Map.of("cache_mean_score", pmc.cache().meanScore());
                }, (done, total, msg) -> { });
        return new Outcome(model.decoder().parameters().params().toHost(), history, pmc.saveState(), epochsRun);
    }

    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path tmp) {
        TinySetup tiny = new TinySetup();
        Outcome straight = run(tiny, tmp.resolve("straight"), CONFIG.epochs());
        Path resumedDir = tmp.resolve("resumed");
        run(tiny, resumedDir, 1);                           // "killed" after the first epoch's checkpoint
        Outcome resumed = run(tiny, resumedDir, CONFIG.epochs()); // a new process: fresh objects, same seed
        assertEquals(List.of(2, 3), resumed.epochsRun(), "the resumed run starts after the checkpointed epoch");
        assertArrayEquals(straight.params(), resumed.params(), "weights");
        assertEquals(straight.history(), resumed.history(), "per-epoch metrics");
        assertEquals(straight.cache(), resumed.cache(), "PMC cache");
    }

    @Test
    void checkpointOfAnotherRunIsRefusedBeforeAnythingIsRestored(@TempDir Path tmp) {
        TinySetup tiny = new TinySetup();
        run(tiny, tmp, 1);
        Path file = tmp.resolve(TrainingCheckpoint.FILE);

        QaModel otherStart = tiny.freshModel(4);
        float[] before = otherStart.decoder().parameters().params().toHost();
        var weights = assertThrows(ForeignCheckpointException.class,
                () -> run(tiny, otherStart, settings(CONFIG.epochs(), CONFIG.lr(), tmp)));
        assertEquals(file, weights.file());
        assertTrue(weights.getMessage().contains(file.toString()) && weights.getMessage().contains("remove it"), weights.getMessage());
        assertArrayEquals(before, otherStart.decoder().parameters().params().toHost(), "nothing restored into the model");

        assertThrows(ForeignCheckpointException.class,
                () -> run(tiny, tiny.freshModel(3), settings(CONFIG.epochs(), CONFIG.lr() / 2, tmp)), "another learning rate");

        QaModel model = tiny.freshModel(3);
        var method = assertThrows(ForeignCheckpointException.class, () -> Unlearner.run(
                new GradientAscent(model, tiny.data.forget()), model.decoder(), tiny.data.retain().size(),
                settings(CONFIG.epochs(), CONFIG.lr(), tmp), epoch -> Map.of(), (done, total, msg) -> { }));
        assertEquals("method 'pmc'", method.reason());

        assertEquals(List.of(2, 3), run(tiny, tmp, CONFIG.epochs()).epochsRun(), "the run that wrote it still resumes");
    }
}
