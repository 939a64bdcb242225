package dev.pmcj.bench;

import dev.pmcj.bench.quick.FmaPeak;
import dev.pmcj.bench.quick.GenerateFigure;
import dev.pmcj.bench.quick.Gpt2TrainFigure;
import dev.pmcj.bench.quick.Measurement;
import dev.pmcj.bench.quick.OpenClSgemmFigure;
import dev.pmcj.bench.quick.QuickFigure;
import dev.pmcj.bench.quick.SgemmFigure;
import dev.pmcj.bench.quick.TrainStepFigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures behind {@code bench/quick}: one line {@code NAME VALUE UNIT} each, in well under a
 * minute. Figures run in list order and may use the ones before them (the sgemm ratio uses the FMA
 * peak). Add a figure by writing a {@link QuickFigure} and appending it here.
 */
public final class Quick {
    static final List<QuickFigure> FIGURES = List.of(
            new FmaPeak(),
            new SgemmFigure(64, 256, 1024),
            TrainStepFigure.small(),
            new GenerateFigure(),
            new Gpt2TrainFigure(),
            new OpenClSgemmFigure());

    private Quick() {
    }

    public static void main(String[] args) {
        Map<String, Measurement> done = new LinkedHashMap<>();
        for (QuickFigure figure : FIGURES) {
            for (Measurement m : figure.run(Map.copyOf(done))) {
                System.out.println(m.line());
                done.put(m.name(), m);
            }
        }
    }
}
