package dev.pmcj.bench;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** Square matmul on the CPU backend; {@code layout} says which operands are transposed (N or T, for a then b). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatmulBench {
    @Param({"64", "256", "1024"})
    int n;

    @Param({"NN", "NT", "TN"})
    String layout;

    private final Backend cpu = Backends.cpu();
    private Tensor a, b, c;

    @Setup
    public void setup() {
        a = Inputs.uniform(cpu, 1, n, n);
        b = Inputs.uniform(cpu, 2, n, n);
        c = cpu.allocate(Shape.of(n, n));
    }

    @Benchmark
    public Tensor matmul() {
        cpu.matmul(a, layout.charAt(0) == 'T', b, layout.charAt(1) == 'T', c, false);
        return c;
    }
}
