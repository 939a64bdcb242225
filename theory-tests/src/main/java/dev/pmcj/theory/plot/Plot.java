package dev.pmcj.theory.plot;

import java.util.List;

/** A 2-D chart: layers drawn in order (bands first looks best), axes fitted to all of them. */
public record Plot(String title, String xLabel, String yLabel, List<Layer> layers) {
    public Plot {
        if (layers.isEmpty()) throw new IllegalArgumentException("plot '" + title + "' has no layers");
        layers = List.copyOf(layers);
    }

    /** Something drawn on the axes, named in the legend. */
    public sealed interface Layer {
        String label();

        String color();
    }

    /** A polyline; {@code dashed} for analytic curves and bounds. */
    public record Line(String label, String color, double[] x, double[] y, boolean dashed) implements Layer {
        public Line {
            sameLength(label, x, y);
        }
    }

    /** A filled band between {@code lo} and {@code hi}, e.g. quantiles over runs. */
    public record Band(String label, String color, double[] x, double[] lo, double[] hi) implements Layer {
        public Band {
            sameLength(label, x, lo);
            sameLength(label, x, hi);
        }
    }

    /** Bars of the given heights centred on {@code x}, each {@code width} wide (a histogram). */
    public record Bars(String label, String color, double[] x, double[] height, double width) implements Layer {
        public Bars {
            sameLength(label, x, height);
            if (!(width > 0)) throw new IllegalArgumentException("bar width of '" + label + "' must be > 0, got " + width);
        }
    }

    /** Unconnected markers, e.g. one per method in a scatter plot. */
    public record Points(String label, String color, double[] x, double[] y) implements Layer {
        public Points {
            sameLength(label, x, y);
        }
    }

    private static void sameLength(String label, double[] a, double[] b) {
        if (a.length != b.length)
            throw new IllegalArgumentException("layer '" + label + "': " + a.length + " x values but " + b.length + " y values");
        if (a.length == 0) throw new IllegalArgumentException("layer '" + label + "' is empty");
    }
}
