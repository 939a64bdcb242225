package dev.pmcj.bench.quick;

import java.util.List;

/** One group of figures printed by {@code bench/quick}. Register new figures in {@link dev.pmcj.bench.Quick#FIGURES}. */
public interface QuickFigure {

    /** Measures and returns this group's figures, in print order. */
    List<Measurement> run();

    /** This group with {@code prefix} before every name (the same workloads on another device). */
    default QuickFigure prefixed(String prefix) {
        return () -> run().stream().map(m -> new Measurement(prefix + m.name(), m.value(), m.unit())).toList();
    }
}
