package dev.pmcj.pmc.pipeline;

import dev.pmcj.autograd.Tape;
import dev.pmcj.pmc.fixtures.TinySetup;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.tensor.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFolderTest {
    private final TinySetup tiny = new TinySetup();

    private static float[] logits(QaModel model, int[] ids) {
        Tape tape = new Tape(model.decoder().parameters().backend());
        try (var _ = tape.noGrad()) {
            return model.decoder().logits(tape, ids, 1, ids.length).value().toHost();
        }
    }

    @Test
    void roundTripGivesBitwiseIdenticalLogitsAndTokens(@TempDir Path tmp) throws IOException {
        QaModel model = tiny.freshModel(5);
        String question = tiny.data.forget().getFirst().question();
        int[] ids = model.promptIds(question);
        ModelFolder.save(model, tmp.resolve("m"));
        QaModel loaded = ModelFolder.load(tmp.resolve("m"), Backends.scalar());
        assertEquals(model.decoder().config(), loaded.decoder().config());
        assertArrayEquals(ids, loaded.promptIds(question), "tokenizer");
        assertArrayEquals(model.decoder().parameters().params().toHost(), loaded.decoder().parameters().params().toHost());
        assertArrayEquals(logits(model, ids), logits(loaded, ids));
        assertEquals(model.greedy(List.of(question), 40), loaded.greedy(List.of(question), 40));
    }

    @Test
    void savingOverAFolderReplacesItWholeAndLeavesNothingBeside(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("m");
        ModelFolder.save(tiny.freshModel(1), dir);
        QaModel second = tiny.freshModel(2);
        ModelFolder.save(second, dir);
        QaModel loaded = ModelFolder.load(dir, Backends.scalar());
        assertArrayEquals(second.decoder().parameters().params().toHost(), loaded.decoder().parameters().params().toHost());
        assertNotEquals(tiny.freshModel(1).decoder().parameters().params().toHost()[0], loaded.decoder().parameters().params().toHost()[0]);
        try (Stream<Path> beside = Files.list(tmp)) {
            assertEquals(List.of(dir), beside.toList(), "no staging or old folders left");
        }
    }

    @Test
    void aFolderWithoutTokenizerFailsNamingTheFile(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("m");
        ModelFolder.save(tiny.freshModel(1), dir);
        Files.delete(dir.resolve(ModelFolder.TOKENIZER_FILE));
        IOException e = assertThrows(IOException.class, () -> ModelFolder.load(dir, Backends.scalar()));
        assertTrue(e.getMessage().contains(ModelFolder.TOKENIZER_FILE), e.getMessage());
        assertThrows(IOException.class, () -> ModelFolder.load(tmp.resolve("absent"), Backends.scalar()));
    }
}
