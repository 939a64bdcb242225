package dev.pmcj.bench;

import dev.pmcj.bench.quick.GenerateFigure;
import dev.pmcj.bench.quick.Gpt2TrainFigure;
import dev.pmcj.bench.quick.Measurement;
import dev.pmcj.bench.quick.OpenClSgemmFigure;
import dev.pmcj.bench.quick.QuickFigure;
import dev.pmcj.bench.quick.SgemmFigure;
import dev.pmcj.bench.quick.TrainStepFigure;

import java.util.List;

/**
 * The figures behind {@code bench/quick}: one line {@code NAME VALUE UNIT} each, in about three
 * minutes. Figures run in list order; add one by writing a {@link QuickFigure} and appending it here.
 */
public final class Quick {
    static final List<QuickFigure> FIGURES = List.of(
            new SgemmFigure(64, 256, 1024),
            TrainStepFigure.small(),
            new GenerateFigure(),
            new Gpt2TrainFigure(),
            new OpenClSgemmFigure());

    private Quick() {
    }

    public static void main(String[] args) {
        for (QuickFigure figure : FIGURES) {
            for (Measurement m : figure.run()) System.out.println(m.line());
        }
    }
}
