package dev.pmcj.pmc.eval;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsMathTest {

    @Test
    void paperUnitsByHand() {
        // Fine-tuned Phi-1.5 of the paper: UQ 38.3% means R(f) + R(p) = 2 - 0.766 = 1.234.
        assertEquals(0.383, UnlearnMetrics.unlearnQuality(0.634, 0.6), 1e-12);
        assertEquals(1.0, UnlearnMetrics.unlearnQuality(0, 0), 0);
        assertEquals(0.0, UnlearnMetrics.unlearnQuality(1, 1), 0);
        assertEquals((0.9 + 0.6 + 0.6) / 3, UnlearnMetrics.utility(0.9, 0.6, 0.6), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> UnlearnMetrics.unlearnQuality(1.2, 0));
        assertThrows(IllegalArgumentException.class, () -> UnlearnMetrics.utility(0.5, Double.NaN, 0));
    }

    @Test
    void truthRatioByHand() {
        // Paraphrased mean NLL 1.0; perturbed 2.0 and 3.0 average 2.5; TR = e^{1 - 2.5}.
        assertEquals(Math.exp(-1.5), TofuMetrics.truthRatio(1.0, new double[] {2.0, 3.0}), 1e-15);
        double[] tr = {0.5, 2.0, 1.0, 0.25};
        // min(TR, 1/TR): 0.5, 0.5, 1, 0.25 -> 2.25 / 4.
        assertEquals(0.5625, TofuMetrics.forgetTruthRatio(tr), 1e-15);
        // max(0, 1 - TR): 0.5, 0, 0, 0.75 -> 1.25 / 4.
        assertEquals(0.3125, TofuMetrics.retainTruthRatio(tr), 1e-15);
        assertEquals(Math.exp(-0.5), TofuMetrics.probability(0.5), 1e-15);
        // Correct e^-1 against options e^-2 and e^-3.
        double c = Math.exp(-1);
        assertEquals(c / (c + Math.exp(-2) + Math.exp(-3)), TofuMetrics.normalizedProbability(1, new double[] {2, 3}), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> TofuMetrics.truthRatio(1, new double[0]));
    }

    @Test
    void harmonicMeanByHand() {
        assertEquals(3 / (1 / 0.5 + 1 / 0.25 + 1.0), TofuMetrics.harmonicMean(0.5, 0.25, 1.0), 1e-15);
        assertEquals(0.0, TofuMetrics.harmonicMean(0.5, 0.0, 1.0), 0);
        assertThrows(IllegalArgumentException.class, () -> TofuMetrics.harmonicMean(0.5, -1));
    }

    @Test
    void forgetQualityIsTheKsPValue() {
        double[] a = {0.1, 0.2, 0.3, 0.4, 0.5};
        double[] b = {0.6, 0.7, 0.8, 0.9, 1.0};
        // Fully separated samples of 5 and 5: D = 1, exact p = 2 / C(10, 5) = 2 / 252.
        assertEquals(2.0 / 252, TofuMetrics.forgetQuality(a, b), 1e-12);
        // Interleaved samples: D = 1/5, exact p = 1 by hand (P(D >= 0.2) is certain).
        assertEquals(1.0, TofuMetrics.forgetQuality(new double[] {0.1, 0.3, 0.5, 0.7, 0.9},
                new double[] {0.2, 0.4, 0.6, 0.8, 1.0}), 1e-12);
    }

    @Property(tries = 200)
    void harmonicMeanLiesBetweenMinAndArithmeticMean(
            @ForAll @Size(min = 1, max = 9) List<@DoubleRange(min = 0.01, max = 1) Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        double h = TofuMetrics.harmonicMean(v);
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(h >= min - 1e-12 && h <= mean + 1e-12, h + " not in [" + min + ", " + mean + "]");
    }

    @Property(tries = 200)
    void truthRatioAggregatesStayInUnitInterval(@ForAll @Size(min = 1, max = 20) List<@DoubleRange(min = 1e-6, max = 1e6) @Scale(9) Double> values) {
        double[] tr = values.stream().mapToDouble(Double::doubleValue).toArray();
        double f = TofuMetrics.forgetTruthRatio(tr), r = TofuMetrics.retainTruthRatio(tr);
        assertTrue(f > 0 && f <= 1 && r >= 0 && r < 1);
        double[] inverse = values.stream().mapToDouble(x -> 1 / x).toArray();
        assertEquals(f, TofuMetrics.forgetTruthRatio(inverse), 1e-12, "forget aggregate is symmetric in TR <-> 1/TR");
    }
}
