package dev.pmcj.transformer.checkpoint;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RotaryOrderTest {

    /** Both maps are permutations of the rows and undo each other. */
    @Property(tries = 200)
    void halfSplitAndInterleavedAreInversePermutations(@ForAll @IntRange(min = 1, max = 8) int heads,
                                                      @ForAll @IntRange(min = 1, max = 16) int halfHead) {
        int hd = 2 * halfHead, rows = heads * hd;
        Set<Integer> images = new HashSet<>();
        for (int r = 0; r < rows; r++) {
            int hf = RotaryOrder.halfSplitRow(r, hd);
            images.add(hf);
            assertEquals(r, RotaryOrder.interleavedRow(hf, hd));
            assertEquals(r, RotaryOrder.halfSplitRow(RotaryOrder.interleavedRow(r, hd), hd));
            assertEquals(r / hd, hf / hd, "stays within its head");
        }
        assertEquals(rows, images.size(), "a bijection");
    }

    /**
     * Matches HF's {@code permute(w) = w.view(heads, hd/2, 2, in).transpose(1, 2).reshape(out, in)}, evaluated
     * literally: output row {@code (h, j, i)} of the transposed view is input row {@code (h, i, j)}.
     */
    @Property(tries = 100)
    void matchesTheTorchViewTransposeFormula(@ForAll @IntRange(min = 1, max = 6) int heads,
                                             @ForAll @IntRange(min = 1, max = 10) int halfHead) {
        int hd = 2 * halfHead;
        int[] permuted = new int[heads * hd]; // permuted[outRow] = inRow
        int out = 0;
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < 2; j++) {           // transposed view dims: (heads, 2, hd/2), row-major
                for (int i = 0; i < halfHead; i++) permuted[out++] = h * hd + i * 2 + j; // view (heads, hd/2, 2)
            }
        }
        for (int hfRow = 0; hfRow < permuted.length; hfRow++) {
            assertEquals(permuted[hfRow], RotaryOrder.interleavedRow(hfRow, hd));
            assertEquals(hfRow, RotaryOrder.halfSplitRow(permuted[hfRow], hd));
        }
    }
}
