package dev.pmcj.tensor;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Erf against Commons Math's independent implementation (regularized incomplete gamma). */
class ErfTest {

    @Property(tries = 500)
    void erfMatchesCommonsMath(@ForAll @DoubleRange(min = -7, max = 7) double x) {
        assertEquals(org.apache.commons.math3.special.Erf.erf(x), Erf.erf(x), 2e-15);
        assertEquals(-Erf.erf(x), Erf.erf(-x), 0.0, "odd");
    }

    @Property(tries = 500)
    void erfcKeepsRelativePrecisionInTheTail(@ForAll @DoubleRange(min = 0, max = 26) double x) {
        double expected = org.apache.commons.math3.special.Erf.erfc(x);
        assertEquals(expected, Erf.erfc(x), expected * 1e-12);
        assertEquals(2 - expected, Erf.erfc(-x), 1e-15);
    }

    @Test
    void knownValues() {
        assertEquals(0.8427007929497149, Erf.erf(1), 3e-16);
        assertEquals(2.209049699858544e-05, Erf.erfc(3), 1e-20);
        assertEquals(1.5374597944280349e-12, Erf.erfc(5), 1e-27);
        assertEquals(7.619853024160527e-24, Erf.normalCdf(-10), 1e-36);
        assertEquals(0, Erf.erfc(30));
        assertEquals(0, Erf.erf(0));
    }
}
