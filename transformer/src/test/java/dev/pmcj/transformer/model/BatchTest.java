package dev.pmcj.transformer.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BatchTest {

    @Test
    void promptAnswerRowsPredictOnlyAnswerTokens() {
        Batch b = Batch.of(List.of(new int[]{1, 2, 3}, new int[]{6}), List.of(new int[]{4, 5}, new int[]{7, 8, 9}), 0, 10);
        assertEquals(2, b.batch());
        assertEquals(5, b.seqLen());
        assertArrayEquals(new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 0}, b.tokens());
        assertArrayEquals(new int[]{-1, -1, 4, 5, -1, 7, 8, 9, -1, -1}, b.targets());
        assertEquals(5, b.unmaskedCount());
    }

    @Test
    void rowsAreTruncatedToMaxLen() {
        Batch b = Batch.of(List.of(new int[]{1, 2}), List.of(new int[]{3, 4, 5, 6}), 0, 4);
        assertArrayEquals(new int[]{1, 2, 3, 4}, b.tokens());
        assertArrayEquals(new int[]{-1, 3, 4, -1}, b.targets());
    }

    @Test
    void languageModelRowsPredictEveryNextToken() {
        Batch b = Batch.lm(List.of(new int[]{1, 2, 3}, new int[]{4, 5}), 9, 8);
        assertArrayEquals(new int[]{1, 2, 3, 4, 5, 9}, b.tokens());
        assertArrayEquals(new int[]{2, 3, -1, 5, -1, -1}, b.targets());
    }

    @Test
    void rejectsInconsistentShapes() {
        assertThrows(IllegalArgumentException.class, () -> new Batch(new int[6], new int[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Batch.of(List.of(new int[]{1}), List.of(), 0, 4));
    }
}
