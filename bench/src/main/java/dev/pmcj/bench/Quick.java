package dev.pmcj.bench;

import dev.pmcj.bench.quick.GenerateFigure;
import dev.pmcj.bench.quick.Gpt2TrainFigure;
import dev.pmcj.bench.quick.Measurement;
import dev.pmcj.bench.quick.OpenClSgemmFigure;
import dev.pmcj.bench.quick.QuickFigure;
import dev.pmcj.bench.quick.SgemmFigure;
import dev.pmcj.bench.quick.TrainStepFigure;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.opencl.OpenClBackend;

import java.util.List;

/**
 * The figures behind {@code bench/quick}: one line {@code NAME VALUE UNIT} each, in about three
 * minutes. Figures run in list order; add one by writing a {@link QuickFigure} and appending it here.
 * {@code --device opencl} runs the same workloads on OpenCL device 0 instead (for a GPU), each name
 * prefixed {@code opencl_}, with sgemm at 1024 and 4096.
 */
public final class Quick {
    static final List<QuickFigure> FIGURES = List.of(
            new SgemmFigure(64, 256, 1024),
            TrainStepFigure.small(Backends.cpu()),
            new GenerateFigure(Backends.cpu()),
            new Gpt2TrainFigure(),
            new OpenClSgemmFigure(1024));

    private Quick() {
    }

    /** The OpenCL device's figures, or none (with a note on stderr) without a device. */
    static List<QuickFigure> openClFigures() {
        OpenClBackend cl = OpenClSgemmFigure.openAndName();
        if (cl == null) return List.of();
        return List.of(new OpenClSgemmFigure(cl, 1024, 4096),
                TrainStepFigure.small(cl).prefixed("opencl_"),
                TrainStepFigure.gpt2(cl).prefixed("opencl_"),
                new GenerateFigure(cl).prefixed("opencl_"));
    }

    public static void main(String[] args) {
        List<QuickFigure> figures = switch (String.join(" ", args)) {
            case "", "--device cpu" -> FIGURES;
            case "--device opencl" -> openClFigures();
            default -> {
                System.err.println("usage: bench/quick [--device cpu|opencl]");
                System.exit(2);
                yield List.of();
            }
        };
        for (QuickFigure figure : figures) {
            for (Measurement m : figure.run()) System.out.println(m.line());
        }
    }
}
