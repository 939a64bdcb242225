package dev.pmcj.pmc.eval;

import dev.pmcj.pmc.fixtures.TinySetup;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.testsupport.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The over-unlearning rule on the real wikitext-2 test text (../shared/data/wikitext2/wiki.test.raw). */
class WikitextDataTest {
    private static final TinySetup TINY = new TinySetup();

    @Test
    void rowsAreTheFilesNonEmptyLinesAndTheFirstHundredChunksAreFullAndConsecutive() throws IOException {
        Path file = SharedData.require("wikitext2/wiki.test.raw");
        List<String> rows = OverUnlearning.readRows(file);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertEquals(text.chars().filter(c -> c == '\n').count(), rows.size(), "one row per LF-terminated line, none blank");
        assertEquals(" = Robert Boulter = ", rows.getFirst());

        int length = 96;
        int[][] chunks = OverUnlearning.chunks(TINY.tokenizer, rows, length, OverUnlearning.CHUNKS);
        assertEquals(OverUnlearning.CHUNKS, chunks.length);
        // The stream, encoded independently row by row until it holds the 100 chunks.
        int[] stream = new int[0];
        for (int r = 0; stream.length < OverUnlearning.CHUNKS * length; r++) {
            int[] ids = TINY.tokenizer.encode(rows.get(r) + "\n");
            int old = stream.length;
            stream = Arrays.copyOf(stream, old + ids.length);
            System.arraycopy(ids, 0, stream, old, ids.length);
        }
        for (int c = 0; c < chunks.length; c++) {
            assertEquals(length, chunks[c].length, "chunk " + c + " is full");
            assertArrayEquals(Arrays.copyOfRange(stream, c * length, (c + 1) * length), chunks[c], "chunk " + c);
        }
        assertEquals(TINY.tokenizer.decode(Arrays.copyOf(stream, OverUnlearning.CHUNKS * length)),
                TINY.tokenizer.decode(Arrays.stream(chunks).flatMapToInt(Arrays::stream).toArray()), "the chunks are the text's start");
        assertTrue(text.startsWith(TINY.tokenizer.decode(chunks[0])), "chunk 0 decodes to the file's first characters");
    }

    @Test
    void theTinyModelMeasuresAHundredChunksAndShiftsNothingAgainstItself() throws IOException {
        Path file = SharedData.require("wikitext2/wiki.test.raw");
        QaModel base = TINY.freshModel(3);
        OverUnlearning o = OverUnlearning.load(file, base, TINY.data.forget());
        assertEquals(OverUnlearning.CHUNKS, o.chunkCount());
        assertEquals(base.maxLength(), o.chunkLength());
        assertAllZero(o.shifts(base));
        assertTrue(o.positions() > 1000, "forget-answer tokens are common in English text: " + o.positions());
        assertTrue(o.positions() < OverUnlearning.CHUNKS * (base.maxLength() - 1), "but not every token");
    }

    private static void assertAllZero(double[] shifts) {
        for (int i = 0; i < shifts.length; i++) assertEquals(0.0, shifts[i], "shift " + i);
    }
}
