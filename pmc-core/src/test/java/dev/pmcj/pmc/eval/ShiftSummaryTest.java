package dev.pmcj.pmc.eval;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShiftSummaryTest {

    @Test
    void handExample() {
        ShiftSummary s = ShiftSummary.of(new double[] {-0.5, 0.25, 0, -1, 1});
        assertEquals(-0.05, s.mean(), 1e-15);
        assertEquals(0.0, s.median());
        assertEquals(0.4, s.negativeFraction(), 1e-15);
        assertEquals(5, s.count());
        int[] h = s.histogram();
        assertEquals(1, h[0], "-1 opens the first bin");
        assertEquals(1, h[ShiftSummary.BINS - 1], "1 closes the last bin");
        assertEquals(1, h[10], "-0.5 starts bin 10 of width 0.05");
        assertEquals(1, h[20], "0 starts bin 20");
        assertEquals(1, h[25], "0.25 starts bin 25");
        assertEquals(-0.125, ShiftSummary.of(new double[] {0, -0.25}).median(), 1e-15, "even count: mean of the middle two");
        assertEquals(List.of("wikitext_shift_mean", "wikitext_shift_median", "wikitext_shift_negative_fraction", "wikitext_shift_n"),
                List.copyOf(s.metrics().keySet()));
        assertEquals(5.0, s.metrics().get("wikitext_shift_n"));
    }

    @Test
    void shiftsOutsideMinusOneToOneAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShiftSummary.of(new double[] {0, 1.5}));
        assertTrue(e.getMessage().contains("shift[1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShiftSummary.of(new double[] {Double.NaN}));
    }

    @Property(tries = 200)
    void everyShiftLandsInTheBinAroundItAndTheFiguresMatchTheData(
            @ForAll @Size(min = 1, max = 50) List<@DoubleRange(min = -1, max = 1) Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        ShiftSummary s = ShiftSummary.of(v);
        assertEquals(Arrays.stream(s.histogram()).sum(), v.length);
        for (double x : v) {
            double centre = ShiftSummary.binCentre(ShiftSummary.bin(x));
            assertTrue(Math.abs(x - centre) <= ShiftSummary.BIN_WIDTH / 2 + 1e-12, x + " outside its bin around " + centre);
        }
        assertEquals(Arrays.stream(v).average().orElseThrow(), s.mean(), 1e-12);
        long below = Arrays.stream(v).filter(x -> x < s.median()).count(), above = Arrays.stream(v).filter(x -> x > s.median()).count();
        assertTrue(below <= v.length / 2 && above <= v.length / 2, "median splits the data in halves");
        assertEquals(Arrays.stream(v).filter(x -> x < 0).count() / (double) v.length, s.negativeFraction(), 1e-15);
    }
}
