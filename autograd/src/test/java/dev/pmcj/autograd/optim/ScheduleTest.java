package dev.pmcj.autograd.optim;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {

    @Property(tries = 50)
    void constantIsConstant(@ForAll @FloatRange(min = 1e-6f, max = 1f) @Scale(6) float lr, @ForAll @LongRange(max = 1_000_000) long step) {
        assertEquals(lr, new Schedule.Constant(lr).lr(step));
    }

    @Property(tries = 50)
    void warmupLinearRisesToThePeakThenFallsToZero(@ForAll @FloatRange(min = 1e-4f, max = 1f) @Scale(6) float peak,
                                                   @ForAll @LongRange(min = 1, max = 50) long warmup,
                                                   @ForAll @LongRange(min = 1, max = 200) long decay) {
        long total = warmup + decay;
        var s = new Schedule.WarmupLinear(peak, warmup, total);
        assertEquals(peak / warmup, s.lr(0), 1e-6f * peak);
        assertEquals(peak, s.lr(warmup - 1), 1e-6f * peak);
        assertEquals(peak, s.lr(warmup), 1e-6f * peak);
        assertEquals(0f, s.lr(total));
        assertEquals(0f, s.lr(total + 10), "stays at zero past the end");
        assertEquals(peak * 0.5f, s.lr(warmup + decay / 2), peak * (0.5f / decay + 1e-6f));
        for (long i = 1; i < total + 5; i++) {
            if (i < warmup) assertTrue(s.lr(i) > s.lr(i - 1));
            else assertTrue(s.lr(i) <= s.lr(i - 1));
        }
    }

    @Property(tries = 50)
    void cosineGoesFromThePeakToTheMinimum(@ForAll @FloatRange(min = 1e-3f, max = 1f) @Scale(6) float peak,
                                           @ForAll @FloatRange(min = 0f, max = 0.5f) float minFraction,
                                           @ForAll @LongRange(max = 50) long warmup,
                                           @ForAll @LongRange(min = 2, max = 200) long decay) {
        float min = peak * minFraction;
        long total = warmup + decay;
        var s = new Schedule.Cosine(peak, min, warmup, total);
        assertEquals(peak, s.lr(warmup), 1e-6f * peak);
        assertEquals(min, s.lr(total), 1e-6f * peak);
        assertEquals(min, s.lr(total + 100), 1e-6f * peak);
        assertEquals((peak + min) / 2, s.lr(warmup + decay / 2), peak * (2f / decay) + 1e-6f);
        for (long i = 1; i <= total; i++) {
            if (i < warmup) assertTrue(s.lr(i) > s.lr(i - 1));
            else assertTrue(s.lr(i) <= s.lr(i - 1) + 1e-7f);
        }
    }

    @Test
    void warmupLinearKnownValues() {
        var s = new Schedule.WarmupLinear(1f, 4, 12);
        assertEquals(0.25f, s.lr(0));
        assertEquals(0.5f, s.lr(1));
        assertEquals(1f, s.lr(4));
        assertEquals(0.5f, s.lr(8));
        // Warm-up ends exactly at the peak, so rounding cannot make the first decay step a rise.
        var tiny = new Schedule.WarmupLinear(1e-4f, 5, 6);
        assertEquals(1e-4f, tiny.lr(4));
        assertEquals(1e-4f, tiny.lr(5));
    }
}
