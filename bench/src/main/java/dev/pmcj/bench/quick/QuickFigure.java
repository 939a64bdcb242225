package dev.pmcj.bench.quick;

import java.util.List;

/** One group of figures printed by {@code bench/quick}. Register new figures in {@link dev.pmcj.bench.Quick#FIGURES}. */
public interface QuickFigure {

    /** Measures and returns this group's figures, in print order. */
    List<Measurement> run();
}
