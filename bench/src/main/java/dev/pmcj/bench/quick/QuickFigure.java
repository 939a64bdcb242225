package dev.pmcj.bench.quick;

import java.util.List;
import java.util.Map;

/**
 * One group of figures printed by {@code bench/quick}. A figure may derive its numbers from ones
 * measured earlier in the same run (a ratio to the machine's peak, say), looked up by name.
 * Register new figures in {@link dev.pmcj.bench.Quick#FIGURES}.
 */
public interface QuickFigure {

    /** Measures and returns this group's figures; {@code earlier} holds those printed before it. */
    List<Measurement> run(Map<String, Measurement> earlier);
}
