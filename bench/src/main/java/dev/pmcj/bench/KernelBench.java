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
 * The main non-matmul kernels on the CPU backend at a small-model training size: {@code rows} token
 * rows of width {@code width} (softmax rows are vocabulary-wide), causal attention over a
 * {@code [4, 256, 8, 64]} batch, and AdamW over one million parameters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBench {
    @Param({"cpu", "scalar"})
    String backend;

    private static final int ROWS = 1024, WIDTH = 512, VOCAB = 4096;
    private static final int B = 4, T = 256, H = 8, D = 64;
    private static final int PARAMS = 1 << 20;

    private Backend be;
    private Tensor logits, probs, x, gamma, beta, normed, mean, rstd;
    private Tensor q, k, v, attnOut, lse;
    private int[] qPos;
    private Tensor param, grad, m, vv;
    private long step;

    @Setup
    public void setup() {
        be = Backends.select(backend);
        logits = Inputs.uniform(be, 1, ROWS, VOCAB);
        probs = be.allocate(Shape.of(ROWS, VOCAB));
        x = Inputs.uniform(be, 2, ROWS, WIDTH);
        gamma = Inputs.uniform(be, 3, WIDTH);
        beta = Inputs.uniform(be, 4, WIDTH);
        normed = be.allocate(Shape.of(ROWS, WIDTH));
        mean = be.allocate(Shape.of(ROWS));
        rstd = be.allocate(Shape.of(ROWS));
        q = Inputs.uniform(be, 5, B, T, H, D);
        k = Inputs.uniform(be, 6, B, T, H, D);
        v = Inputs.uniform(be, 7, B, T, H, D);
        attnOut = be.allocate(Shape.of(B, T, H, D));
        lse = be.allocate(Shape.of(B, H, T));
        qPos = new int[B * T];
        for (int i = 0; i < qPos.length; i++) qPos[i] = i % T;
        param = Inputs.uniform(be, 8, PARAMS);
        grad = Inputs.uniform(be, 9, PARAMS);
        m = be.allocate(Shape.of(PARAMS));
        vv = be.allocate(Shape.of(PARAMS));
    }

    @Benchmark
    public Tensor softmax() {
        be.softmax(logits, probs);
        return probs;
    }

    @Benchmark
    public Tensor layerNorm() {
        be.layerNorm(x, gamma, beta, 1e-5f, normed, mean, rstd);
        return normed;
    }

    @Benchmark
    public Tensor attention() {
        be.attention(q, k, v, qPos, attnOut, lse);
        return attnOut;
    }

    @Benchmark
    public Tensor adamW() {
        be.adamW(param, grad, m, vv, new AdamWParams(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, ++step));
        return param;
    }
}
