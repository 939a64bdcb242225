package dev.pmcj.theory.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A numeric CSV table: a header, then rows of numbers (NaN written as an empty cell). */
public final class Csv {
    private final List<String> header;
    private final List<String> lines = new ArrayList<>();

    public Csv(List<String> header) {
        this.header = List.copyOf(header);
        lines.add(String.join(",", header));
    }

    public Csv row(double... values) {
        if (values.length != header.size())
            throw new IllegalArgumentException(values.length + " values for " + header.size() + " columns " + header);
        List<String> cells = new ArrayList<>(values.length);
        for (double v : values) cells.add(format(v));
        lines.add(String.join(",", cells));
        return this;
    }

    static String format(double v) {
        if (Double.isNaN(v)) return "";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.10g", v).replaceAll("(\\.\\d*?)0+($|e)", "$1$2").replaceAll("\\.($|e)", "$1");
    }

    @Override
    public String toString() {
        return String.join("\n", lines) + "\n";
    }
}
