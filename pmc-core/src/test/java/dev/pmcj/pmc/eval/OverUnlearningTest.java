package dev.pmcj.pmc.eval;

import dev.pmcj.autograd.Tape;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.fixtures.TinySetup;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.pipeline.Training;
import dev.pmcj.transformer.tokenizer.Tokenizer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Over-unlearning on a tiny deterministic model and hand-built texts: chunking, token selection, shifts. */
class OverUnlearningTest {
    private static final TinySetup TINY = new TinySetup();
    private static final QaModel BASE = TINY.freshModel(3);

    /** Every answer and question of the tiny data as rows: text that shares many tokens with the forget answers. */
    private static List<String> qaRows() {
        List<String> rows = new ArrayList<>();
        for (QaItem q : TINY.data.fineTune()) {
            rows.add(" " + q.question());
            rows.add(" " + q.answer());
        }
        return rows;
    }

    private static int[] concat(Tokenizer tok, List<String> rows) {
        return rows.stream().flatMapToInt(r -> Arrays.stream(tok.encode(r + "\n"))).toArray();
    }

    @Property(tries = 60)
    void chunksAreTheConsecutiveFullWindowsOfTheRowsTokenStream(@ForAll @IntRange(min = 2, max = 60) int length,
                                                               @ForAll @IntRange(min = 0, max = 30) int count,
                                                               @ForAll @IntRange(min = 1, max = 40) int rowCount,
                                                               @ForAll long seed) {
        List<String> rows = new ArrayList<>(qaRows());
        Collections.shuffle(rows, new Random(seed));
        rows = rows.subList(0, rowCount);
        int[] stream = concat(TINY.tokenizer, rows);
        int[][] chunks = OverUnlearning.chunks(TINY.tokenizer, rows, length, count);
        assertEquals(Math.min(count, stream.length / length), chunks.length, "full chunks only, at most " + count);
        for (int c = 0; c < chunks.length; c++) {
            assertArrayEquals(Arrays.copyOfRange(stream, c * length, (c + 1) * length), chunks[c], "chunk " + c);
        }
    }

    @Test
    void selectionScoresExactlyTheForgetAnswerTokensAfterTheFirstOfEachChunk() {
        QaItem forget = QaItem.of("Where does Ada live?", "Paris", 0, QaItem.Kind.AUTHOR);
        Tokenizer tok = TINY.tokenizer;
        int[] answer = tok.encode(" Paris"), nl = tok.encode("\n");
        // The text " Paris" repeated: the stream is (answer, newline) over and over.
        assertArrayEquals(IntStream.concat(Arrays.stream(answer), Arrays.stream(nl)).toArray(), tok.encode(" Paris\n"),
                "precondition: the newline is a token of its own");
        BitSet forgetIds = OverUnlearning.forgetTokens(tok, List.of(forget));
        assertEquals(Arrays.stream(answer).distinct().count(), forgetIds.cardinality());
        for (int id : answer) assertTrue(forgetIds.get(id));
        for (int id : nl) assertFalse(forgetIds.get(id), "precondition: the newline is no forget token");

        int period = answer.length + nl.length, length = BASE.maxLength();
        List<String> rows = Collections.nCopies(3 * length, " Paris");
        OverUnlearning o = OverUnlearning.measure(BASE, rows, List.of(forget));
        assertEquals(Math.min(OverUnlearning.CHUNKS, 3 * length * period / length), o.chunkCount());
        List<Integer> expected = new ArrayList<>();
        for (int c = 0; c < o.chunkCount(); c++) {
            for (int i = 1; i < length; i++) {
                int j = (c * length + i) % period; // place in the (answer, newline) period
                if (j < answer.length) expected.add(answer[j]);
            }
        }
        assertEquals(expected, Arrays.stream(o.scoredTokens()).boxed().toList());
        assertEquals(expected.size(), o.positions());
    }

    @Test
    void textWithoutForgetTokensScoresNothing() {
        QaItem forget = QaItem.of("Where does Ada live?", "Paris", 0, QaItem.Kind.AUTHOR);
        String row = "~~@@##~~";
        BitSet forgetIds = OverUnlearning.forgetTokens(TINY.tokenizer, List.of(forget));
        for (int id : TINY.tokenizer.encode(row + "\n")) assertFalse(forgetIds.get(id), "precondition: no shared token");
        OverUnlearning o = OverUnlearning.measure(BASE, Collections.nCopies(200, row), List.of(forget));
        assertTrue(o.chunkCount() > 0);
        assertEquals(0, o.positions());
        ShiftSummary s = ShiftSummary.of(o.shifts(TINY.freshModel(5)));
        assertEquals(0, s.count());
        assertTrue(Double.isNaN(s.mean()) && Double.isNaN(s.median()));
    }

    @Test
    void theBaseModelAndItsCopyShiftByExactlyZeroAtEveryToken() {
        OverUnlearning o = OverUnlearning.measure(BASE, qaRows(), TINY.data.forget());
        assertTrue(o.positions() > 100, "enough scored tokens: " + o.positions());
        double[] self = o.shifts(BASE), copy = o.shifts(Training.copyOf(BASE));
        assertEquals(o.positions(), self.length);
        for (int i = 0; i < self.length; i++) {
            assertEquals(0.0, self[i], "self shift at " + i);
            assertEquals(0.0, copy[i], "copy shift at " + i);
        }
        ShiftSummary s = ShiftSummary.of(self);
        assertEquals(0.0, s.mean());
        assertEquals(0.0, s.negativeFraction());
        assertEquals(s.count(), s.histogram()[ShiftSummary.bin(0.0)], "every token in the bin of 0");
    }

    @Test
    void probabilitiesAreTheSoftmaxOfTheLogitsAndShiftsTheirDifference() {
        OverUnlearning o = OverUnlearning.measure(BASE, qaRows(), TINY.data.forget());
        QaModel other = TINY.freshModel(99);
        int[][] chunks = OverUnlearning.chunks(TINY.tokenizer, qaRows(), BASE.maxLength(), OverUnlearning.CHUNKS);
        BitSet forget = OverUnlearning.forgetTokens(TINY.tokenizer, TINY.data.forget());
        double[] pBase = o.baseProbabilities(), shift = o.shifts(other);
        int k = 0;
        for (int[] chunk : chunks) {
            float[] lb = logits(BASE, chunk), lo = logits(other, chunk);
            for (int i = 0; i + 1 < chunk.length; i++) {
                if (!forget.get(chunk[i + 1])) continue;
                double b = softmaxAt(lb, i, chunk[i + 1]), p = softmaxAt(lo, i, chunk[i + 1]);
                assertEquals(b, pBase[k], 1e-5, "base probability at chunk position " + i);
                assertEquals(p - b, shift[k], 1e-5, "shift at chunk position " + i);
                k++;
            }
        }
        assertEquals(o.positions(), k);
        assertTrue(Arrays.stream(shift).anyMatch(s -> s != 0), "another model shifts");
    }

    @Test
    void aTextShorterThanOneChunkIsRejectedNamingTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("short.raw");
        Files.writeString(f, " a few words\n\n more\n", StandardCharsets.UTF_8);
        assertEquals(List.of(" a few words", " more"), OverUnlearning.readRows(f), "blank rows are skipped");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OverUnlearning.load(f, BASE, TINY.data.forget()));
        assertTrue(e.getMessage().contains("short.raw") && e.getMessage().contains("one chunk of 96"), e.getMessage());
        Path bad = dir.resolve("latin1.raw");
        Files.write(bad, new byte[] {' ', (byte) 0xE9, '\n'});
        IOException io = assertThrows(IOException.class, () -> OverUnlearning.readRows(bad));
        assertTrue(io.getMessage().contains("latin1.raw"), io.getMessage());
    }

    private static float[] logits(QaModel m, int[] chunk) {
        Tape tape = new Tape(m.decoder().parameters().backend());
        try (var _ = tape.noGrad()) {
            return m.decoder().logits(tape, chunk, 1, chunk.length).value().toHost();
        }
    }

    private static double softmaxAt(float[] logits, int row, int token) {
        int v = TINY.config.vocab();
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < v; j++) max = Math.max(max, logits[row * v + j]);
        for (int j = 0; j < v; j++) sum += Math.exp(logits[row * v + j] - max);
        return Math.exp(logits[row * v + token] - max) / sum;
    }
}
