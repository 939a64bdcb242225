package dev.pmcj.theory.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link Plot} as a standalone SVG: axes with "nice" ticks (1, 2, 5 x 10^k), light grid, axis labels,
 * title and a legend. Generic: lines, bands and bars over linear axes, nothing specific to the theory.
 */
public final class SvgPlot {
    /** Colour-blind-safe palette (Okabe-Ito) for callers that want distinct series colours. */
    public static final List<String> PALETTE = List.of("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000");

    private static final int WIDTH = 640, HEIGHT = 420;
    private static final int LEFT = 72, RIGHT = 24, TOP = 40, BOTTOM = 56;

    private SvgPlot() {}

    public static String render(Plot plot) {
        double[] xr = range(plot, true), yr = range(plot, false);
        double[] xt = ticks(xr[0], xr[1]), yt = ticks(yr[0], yr[1]);
        Axes axes = new Axes(xt[0], xt[xt.length - 1], yt[0], yt[yt.length - 1]);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        gridAndTicks(s, axes, xt, yt);
        for (Plot.Layer layer : plot.layers()) draw(s, axes, layer);
        frame(s, plot);
        legend(s, axes, plot.layers());
        s.append("</svg>\n");
        return s.toString();
    }

    private record Axes(double x0, double x1, double y0, double y1) {
        double px(double x) {
            return LEFT + (x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT);
        }

        double py(double y) {
            return HEIGHT - BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM);
        }
    }

    private static double[] range(Plot plot, boolean x) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Plot.Layer layer : plot.layers()) {
            List<double[]> arrays = switch (layer) {
                case Plot.Line l -> List.of(x ? l.x() : l.y());
                case Plot.Points p -> List.of(x ? p.x() : p.y());
                case Plot.Band b -> x ? List.of(b.x()) : List.of(b.lo(), b.hi());
                case Plot.Bars b -> x ? List.of(shift(b.x(), -b.width() / 2), shift(b.x(), b.width() / 2))
                        : List.of(b.height(), new double[] {0});
            };
            for (double[] a : arrays)
                for (double v : a)
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
        }
        if (!Double.isFinite(lo)) return new double[] {0, 1};
        if (hi == lo) return new double[] {lo - 0.5, hi + 0.5};
        return new double[] {lo, hi};
    }

    private static double[] shift(double[] a, double d) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i] + d;
        return out;
    }

    /** About 5-8 ticks on a 1-2-5 step, covering [lo, hi]. */
    static double[] ticks(double lo, double hi) {
        double raw = (hi - lo) / 6;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag * (raw / mag <= 1 ? 1 : raw / mag <= 2 ? 2 : raw / mag <= 5 ? 5 : 10);
        double start = Math.floor(lo / step + 1e-9) * step, end = Math.ceil(hi / step - 1e-9) * step;
        int n = (int) Math.round((end - start) / step);
        double[] t = new double[n + 1];
        for (int i = 0; i <= n; i++) t[i] = start + i * step;
        return t;
    }

    private static void gridAndTicks(StringBuilder s, Axes a, double[] xt, double[] yt) {
        for (double x : xt) {
            s.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#e5e5e5\"/>%n",
                    a.px(x), TOP, a.px(x), HEIGHT - BOTTOM));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"black\"/>%n",
                    a.px(x), HEIGHT - BOTTOM, a.px(x), HEIGHT - BOTTOM + 5));
            s.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    a.px(x), HEIGHT - BOTTOM + 18, label(x)));
        }
        for (double y : yt) {
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"#e5e5e5\"/>%n",
                    LEFT, a.py(y), WIDTH - RIGHT, a.py(y)));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"black\"/>%n",
                    LEFT - 5, a.py(y), LEFT, a.py(y)));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\" dominant-baseline=\"middle\">%s</text>%n",
                    LEFT - 8, a.py(y), label(y)));
        }
    }

    /** Shortest decimal form of a tick value (no "0.30000000000000004"). */
    static String label(double v) {
        if (Math.abs(v) < 1e-12) return "0";
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) return s;
        if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }

    private static void draw(StringBuilder s, Axes a, Plot.Layer layer) {
        switch (layer) {
            case Plot.Line l -> s.append(String.format(Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>%n",
                    l.color(), l.dashed() ? " stroke-dasharray=\"6 4\"" : "", points(a, l.x(), l.y())));
            case Plot.Points p -> {
                for (int i = 0; i < p.x().length; i++)
                    if (Double.isFinite(p.x()[i]) && Double.isFinite(p.y()[i]))
                        s.append(String.format(Locale.ROOT, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"5\" fill=\"%s\"/>%n",
                                a.px(p.x()[i]), a.py(p.y()[i]), p.color()));
            }
            case Plot.Band b -> {
                int n = b.x().length;
                double[] xs = new double[2 * n], ys = new double[2 * n];
                for (int i = 0; i < n; i++) {
                    xs[i] = b.x()[i];
                    ys[i] = b.hi()[i];
                    xs[2 * n - 1 - i] = b.x()[i];
                    ys[2 * n - 1 - i] = b.lo()[i];
                }
                s.append(String.format(Locale.ROOT, "<polygon fill=\"%s\" fill-opacity=\"0.25\" stroke=\"none\" points=\"%s\"/>%n",
                        b.color(), points(a, xs, ys)));
            }
            case Plot.Bars b -> {
                for (int i = 0; i < b.x().length; i++) {
                    double x0 = a.px(b.x()[i] - b.width() / 2), x1 = a.px(b.x()[i] + b.width() / 2);
                    double y0 = a.py(Math.max(0, a.y0())), y1 = a.py(b.height()[i]);
                    s.append(String.format(Locale.ROOT,
                            "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\" fill-opacity=\"0.8\" stroke=\"white\"/>%n",
                            x0, Math.min(y0, y1), x1 - x0, Math.abs(y0 - y1), b.color()));
                }
            }
        }
    }

    private static String points(Axes a, double[] x, double[] y) {
        List<String> p = new ArrayList<>();
        for (int i = 0; i < x.length; i++)
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) p.add(String.format(Locale.ROOT, "%.2f,%.2f", a.px(x[i]), a.py(y[i])));
        return String.join(" ", p);
    }

    private static void frame(StringBuilder s, Plot plot) {
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>%n",
                LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                (LEFT + WIDTH - RIGHT) / 2, escape(plot.title())));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\">%s</text>%n",
                (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 14, escape(plot.xLabel())));
        s.append(String.format(Locale.ROOT,
                "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 18 %d)\">%s</text>%n",
                (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2, escape(plot.yLabel())));
    }

    /** The legend goes in whichever inner corner covers the fewest data points. */
    private static void legend(StringBuilder s, Axes a, List<Plot.Layer> layers) {
        int w = 12 + 30 + 7 * layers.stream().mapToInt(l -> l.label().length()).max().orElse(0);
        int h = 8 + 18 * layers.size();
        int[][] corners = {{WIDTH - RIGHT - w - 8, TOP + 8}, {WIDTH - RIGHT - w - 8, HEIGHT - BOTTOM - h - 8},
                {LEFT + 8, TOP + 8}, {LEFT + 8, HEIGHT - BOTTOM - h - 8}};
        int x = corners[0][0], y = corners[0][1];
        long best = Long.MAX_VALUE;
        for (int[] c : corners) {
            long covered = covered(a, layers, c[0], c[1], w, h);
            if (covered < best) {
                best = covered;
                x = c[0];
                y = c[1];
            }
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999\"/>%n",
                x, y, w, 8 + 18 * layers.size()));
        for (int i = 0; i < layers.size(); i++) {
            Plot.Layer l = layers.get(i);
            int cy = y + 14 + 18 * i;
            switch (l) {
                case Plot.Line line -> s.append(String.format(Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                        x + 8, cy, x + 32, cy, l.color(), line.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
                case Plot.Points ignored -> s.append(String.format(Locale.ROOT,
                        "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%s\"/>%n", x + 20, cy, l.color()));
                case Plot.Band ignored -> s.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"10\" fill=\"%s\" fill-opacity=\"0.25\"/>%n", x + 8, cy - 5, l.color()));
                case Plot.Bars ignored -> s.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"10\" fill=\"%s\" fill-opacity=\"0.8\"/>%n", x + 8, cy - 5, l.color()));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" dominant-baseline=\"middle\">%s</text>%n", x + 38, cy, escape(l.label())));
        }
    }

    private static long covered(Axes a, List<Plot.Layer> layers, int x, int y, int w, int h) {
        long n = 0;
        for (Plot.Layer layer : layers) {
            for (double[][] xy : series(layer))
                for (int i = 0; i < xy[0].length; i++) {
                    double px = a.px(xy[0][i]), py = a.py(xy[1][i]);
                    if (px >= x && px <= x + w && (layer instanceof Plot.Bars ? py <= y + h : py >= y && py <= y + h)) n++;
                }
        }
        return n;
    }

    /** The (x, y) series a layer draws through. */
    private static double[][][] series(Plot.Layer layer) {
        return switch (layer) {
            case Plot.Line l -> new double[][][] {{l.x(), l.y()}};
            case Plot.Points p -> new double[][][] {{p.x(), p.y()}};
            case Plot.Band b -> new double[][][] {{b.x(), b.lo()}, {b.x(), b.hi()}};
            case Plot.Bars b -> new double[][][] {{b.x(), b.height()}};
        };
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
