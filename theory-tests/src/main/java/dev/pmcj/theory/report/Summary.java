package dev.pmcj.theory.report;

import java.util.LinkedHashMap;
import java.util.Map;

/** The run's headline numbers, printed one {@code NAME VALUE} a line in insertion order. */
public final class Summary {
    private final Map<String, String> values = new LinkedHashMap<>();

    public Summary put(String name, double value) {
        return put(name, Csv.format(value));
    }

    public Summary put(String name, String value) {
        if (!name.matches("[a-z0-9_]+")) throw new IllegalArgumentException("summary name '" + name + "' must be snake_case");
        values.put(name, value);
        return this;
    }

    public Map<String, String> values() {
        return Map.copyOf(values);
    }

    public String get(String name) {
        String v = values.get(name);
        if (v == null) throw new IllegalArgumentException("no summary value named " + name);
        return v;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        values.forEach((k, v) -> s.append(k).append(' ').append(v).append('\n'));
        return s.toString();
    }
}
