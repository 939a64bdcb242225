package dev.pmcj.bench;

import dev.pmcj.tensor.AdamWParams;
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

/**
 * The optimizer step over flat buffers on the CPU backend, with the gradients zeroed by a second pass
 * ({@code fill}, as training steps did until the fifteenth session) or inside AdamW's own pass
 * ({@link AdamWParams#zeroGrad()}), at a size that stays in cache and one that does not (GPT-2 124M
 * has 124 M parameters). Each operation first copies in fresh gradients (as backward would write them):
 * zero gradients would let the moments decay into subnormal numbers. Run: {@code java -cp "bench/target/classes:bench/target/lib/*"
 * org.openjdk.jmh.Main OptimizerBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
public class OptimizerBench {
    @Param({"1048576", "33554432"})
    int params;

    private final Backend be = Backends.cpu();
    private Tensor param, grad, fresh, m, v;
    private long step;

    @Setup
    public void setup() {
        param = Inputs.uniform(be, 1, params);
        fresh = Inputs.uniform(be, 2, params);
        grad = be.allocate(Shape.of(params));
        m = be.allocate(Shape.of(params));
        v = be.allocate(Shape.of(params));
    }

    @Benchmark
    public Tensor adamWThenFill() {
        be.copy(fresh, grad);
        be.adamW(param, grad, m, v, new AdamWParams(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, ++step));
        be.fill(grad, 0f);
        return param;
    }

    @Benchmark
    public Tensor adamWZeroingGradients() {
        be.copy(fresh, grad);
        be.adamW(param, grad, m, v, new AdamWParams(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, ++step, true));
        return param;
    }
}
