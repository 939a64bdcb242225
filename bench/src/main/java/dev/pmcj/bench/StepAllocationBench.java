package dev.pmcj.bench;

import dev.pmcj.bench.workload.Generation;
import dev.pmcj.bench.workload.TrainingStep;
import dev.pmcj.tensor.Backends;
import dev.pmcj.transformer.model.ModelConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Steady-state allocation, read with JMH's GC profiler ({@code -prof gc}, {@code gc.alloc.rate.norm}
 * in bytes per operation): one training step of a small GPT-2 (2 layers, width 128, 4 heads,
 * vocabulary 1024, batch 8 x 64), one of {@code bench/quick}'s small config ({@link TrainingStep#small()},
 * batch 8 x 128), and one stories260K generation of {@link Generation#NEW_TOKENS} greedy tokens (divide
 * by that count for bytes per token). Three forks: what C2 boxes can differ from one JVM to the next
 * (the small step's bias sums once boxed in two JVMs of three, 64 MB a step). Run:
 * {@code java -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main StepAllocationBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class StepAllocationBench {
    private TrainingStep step, small;
    private Generation generation;

    @Setup
    public void setup() throws IOException {
        step = new TrainingStep(Backends.cpu(), ModelConfig.gpt2(2, 128, 4, 1024, 64), 8, 64, 1);
        small = new TrainingStep(Backends.cpu(), TrainingStep.small(), 8, 128, 1);
        Path shared = Path.of(System.getProperty("pmcj.shared", "../shared"));
        generation = Generation.greedy(Generation.load(Generation.stories260k(shared), Backends.cpu()));
    }

    @TearDown
    public void tearDown() {
        generation.close();
    }

    @Benchmark
    public float trainingStep() {
        return step.run();
    }

    @Benchmark
    public float trainingStepSmall() {
        return small.run();
    }

    @Benchmark
    public int generate255Tokens() {
        return generation.run();
    }
}
