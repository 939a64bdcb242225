package dev.pmcj.bench.quick;

import java.util.Locale;

/** One printed figure: {@code NAME VALUE UNIT}. */
public record Measurement(String name, double value, String unit) {

    public String line() {
        return String.format(Locale.ROOT, "%s %.4g %s", name, value, unit);
    }
}
