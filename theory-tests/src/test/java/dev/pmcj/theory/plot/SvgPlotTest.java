package dev.pmcj.theory.plot;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SvgPlotTest {
    @Property(tries = 200)
    void ticksCoverTheRangeOnA125Step(@ForAll @DoubleRange(min = -1e3, max = 1e3) double lo,
                                      @ForAll @DoubleRange(min = 1e-3, max = 1e6) @Scale(6) double width) {
        double[] t = SvgPlot.ticks(lo, lo + width);
        assertTrue(t[0] <= lo + 1e-9 * Math.abs(lo) && t[t.length - 1] >= lo + width - 1e-9 * Math.abs(lo + width));
        assertTrue(t.length >= 4 && t.length <= 13, "tick count " + t.length);
        double step = t[1] - t[0];
        double mantissa = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
        assertTrue(List.of(1L, 2L, 5L, 10L).contains(Math.round(mantissa)) && Math.abs(mantissa - Math.round(mantissa)) < 1e-6, "step " + step);
    }

    @Test
    void tickLabelsHaveNoBinaryNoise() {
        assertEquals("0.3", SvgPlot.label(0.1 + 0.2));
        assertEquals("0", SvgPlot.label(-1e-17));
        assertEquals("40", SvgPlot.label(40));
    }

    @Test
    void rendersWellFormedSvgWithTitleLabelsAndLegend() throws Exception {
        double[] x = {0, 1, 2, 3};
        String svg = SvgPlot.render(new Plot("Mass <per> round", "round", "mass & more", List.of(
                new Plot.Band("band", "#0072B2", x, new double[] {0, 0, 0, 0}, new double[] {1, 0.8, 0.5, 0.2}),
                new Plot.Line("mean", "#0072B2", x, new double[] {0.5, 0.4, 0.2, 0.1}, false),
                new Plot.Line("theory", "#D55E00", x, new double[] {0.5, 0.35, 0.25, 0.1}, true),
                new Plot.Bars("hist", "#009E73", x, new double[] {1, 3, 2, 0}, 0.8))));
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getTagName());
        assertTrue(svg.contains("Mass &lt;per&gt; round") && svg.contains("mass &amp; more") && svg.contains(">round<"));
        assertEquals(2, doc.getElementsByTagName("polyline").getLength());
        assertEquals(1, doc.getElementsByTagName("polygon").getLength());
        assertTrue(svg.contains("stroke-dasharray"), "analytic curves are dashed");
        for (String legend : List.of(">band<", ">mean<", ">theory<", ">hist<")) assertTrue(svg.contains(legend), legend);
    }

    @Test
    void mismatchedSeriesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Plot.Line("bad", "#000", new double[] {1, 2}, new double[] {1}, false));
        assertTrue(e.getMessage().contains("bad"));
    }
}
