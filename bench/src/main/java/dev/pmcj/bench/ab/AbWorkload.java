package dev.pmcj.bench.ab;

import dev.pmcj.bench.workload.Generation;
import dev.pmcj.bench.workload.TrainingStep;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.transformer.inference.InferenceSession;
import dev.pmcj.transformer.inference.SamplingConfig;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.model.ModelConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/**
 * The workloads that {@link AbCompare} times. {@code bench/ab} compiles this file against each of the
 * two builds and loads each copy in a class loader of its own, so it uses only API that both builds
 * have. One round runs the workload once; it is timed in CPU time of the calling thread when the JVM
 * has one processor (immune to the thread being descheduled), else in wall time.
 */
public final class AbWorkload {
    public static final List<String> NAMES = List.of("sgemm", "gemm", "gemm-gpt2", "gemm-gpt2-block", "gemm-head-dx", "wgrad", "wgrad-demo", "attention", "decode-attention", "decode-attention-demo", "cross-entropy", "train", "train-demo", "decode", "decode32", "sample-pmc");
    private static final List<Runnable> WORK = new ArrayList<>();

    /** A linear layer of the small training step, and how many a step runs. */
    private record Linear(int out, int in, int times, boolean bias) {
    }

    /** The small config's linear layers (qkv, proj, fc, fc2 in each of 4 blocks; the tied head, without bias), over its tokens. */
    private static final List<Linear> SMALL_STEP = List.of(new Linear(768, 256, 4, true), new Linear(256, 256, 4, true),
            new Linear(1024, 256, 4, true), new Linear(256, 1024, 4, true), new Linear(512, 256, 1, false));
    private static final int TOKENS = 8 * 128;
    /** pmc demo's linear layers (2 blocks of 128; the tied head over its 1,024-token vocabulary), over a fine-tuning batch of 32 rows of 36 tokens. */
    private static final List<Linear> DEMO_STEP = List.of(new Linear(384, 128, 2, true), new Linear(128, 128, 2, true),
            new Linear(512, 128, 2, true), new Linear(128, 512, 2, true), new Linear(1024, 128, 1, false));
    private static final int DEMO_TOKENS = 32 * 36;
    /** One GPT-2 124M block's linear layers and the tied head (50,257 wide), over the anchor's 4 x 64 tokens. */
    private static final List<Linear> GPT2_BLOCK_AND_HEAD = List.of(new Linear(2304, 768, 1, true), new Linear(768, 768, 1, true),
            new Linear(3072, 768, 1, true), new Linear(768, 3072, 1, true), new Linear(50257, 768, 1, false));
    private static final int GPT2_TOKENS = 4 * 64;

    private AbWorkload() {
    }

    /** Each layer's weight and bias gradients over {@code tokens} rows, as often as a step computes them. */
    private static void weightGradients(Backend cpu, Random rnd, List<Linear> layers, int tokens) {
        for (Linear l : layers) {
            Tensor dy = random(cpu, rnd, Shape.of(tokens, l.out)), x = random(cpu, rnd, Shape.of(tokens, l.in));
            Tensor dw = cpu.allocate(Shape.of(l.out, l.in)), db = l.bias ? cpu.allocate(Shape.of(l.out)) : null;
            for (int i = 0; i < l.times; i++) WORK.add(() -> cpu.linearWeightGradients(dy, x, dw, true, db, true));
        }
    }

    /** Decoding's attention alone: 32 streams of one query each over their own keys up to {@code position(i)}, {@code calls} calls a round. */
    private static void decodeAttention(Backend cpu, Random rnd, int heads, int kvHeads, int headDim, int keys,
                                        IntUnaryOperator position, int calls) {
        Tensor q = random(cpu, rnd, Shape.of(32, 1, heads, headDim)), out = cpu.allocate(Shape.of(32, 1, heads, headDim));
        Tensor k = random(cpu, rnd, Shape.of(32, keys, kvHeads, headDim)), v = random(cpu, rnd, Shape.of(32, keys, kvHeads, headDim));
        Tensor lse = cpu.allocate(Shape.of(32, heads, 1));
        int[] pos = new int[32];
        Arrays.setAll(pos, position);
        for (int i = 0; i < calls; i++) WORK.add(() -> cpu.attention(q, k, v, pos, out, lse));
    }

    public static void setup(String name, String shared) {
        Backend cpu = Backends.cpu();
        Random rnd = new Random(1);
        switch (name) {
            case "sgemm" -> { // bench/quick's square product, five times
                Tensor a = random(cpu, rnd, Shape.of(1024, 1024)), b = random(cpu, rnd, Shape.of(1024, 1024));
                Tensor c = cpu.allocate(Shape.of(1024, 1024));
                for (int i = 0; i < 5; i++) WORK.add(() -> cpu.matmul(a, false, b, false, c, false));
            }
            case "gemm", "gemm-gpt2", "gemm-gpt2-block" -> {
                // The small training step's products (or one GPT-2 block's and its head's, or the block's
                // alone), each as often as a step runs it: forward x W^T, then dX = dY W, then dW = dY^T X.
                List<Linear> layers = switch (name) {
                    case "gemm" -> SMALL_STEP;
                    case "gemm-gpt2" -> GPT2_BLOCK_AND_HEAD;
                    default -> GPT2_BLOCK_AND_HEAD.subList(0, GPT2_BLOCK_AND_HEAD.size() - 1);
                };
                int tokens = name.equals("gemm") ? TOKENS : GPT2_TOKENS;
                List<int[]> products = new ArrayList<>(); // m, k, n, transA, transB, times
                for (Linear l : layers) products.add(new int[] {tokens, l.in, l.out, 0, 1, l.times});
                for (Linear l : layers) products.add(new int[] {tokens, l.out, l.in, 0, 0, l.times});
                for (Linear l : layers) products.add(new int[] {l.out, tokens, l.in, 1, 0, l.times});
                for (int[] p : products) {
                    int m = p[0], k = p[1], n = p[2];
                    boolean ta = p[3] == 1, tb = p[4] == 1;
                    Tensor a = random(cpu, rnd, ta ? Shape.of(k, m) : Shape.of(m, k));
                    Tensor b = random(cpu, rnd, tb ? Shape.of(n, k) : Shape.of(k, n));
                    Tensor c = cpu.allocate(Shape.of(m, n));
                    for (int i = 0; i < p[5]; i++) WORK.add(() -> cpu.matmul(a, ta, b, tb, c, false));
                }
            }
            case "gemm-head-dx" -> { // GPT-2's head's input gradient alone: dX = dY W, 256 x 768 over k = 50,257, three times
                Tensor dy = random(cpu, rnd, Shape.of(GPT2_TOKENS, 50257)), w = random(cpu, rnd, Shape.of(50257, 768));
                Tensor dx = cpu.allocate(Shape.of(GPT2_TOKENS, 768));
                for (int i = 0; i < 3; i++) WORK.add(() -> cpu.matmul(dy, false, w, false, dx, false));
            }
            case "wgrad" -> weightGradients(cpu, rnd, SMALL_STEP, TOKENS); // the small step's dW += dY^T X, db += dY's column sums
            case "wgrad-demo" -> weightGradients(cpu, rnd, DEMO_STEP, DEMO_TOKENS); // the same for pmc demo's fine-tuning step
            case "attention" -> { // the small config's shape, forward and backward
                Shape s = Shape.of(8, 128, 4, 64);
                Tensor q = random(cpu, rnd, s), k = random(cpu, rnd, s), v = random(cpu, rnd, s);
                Tensor out = cpu.allocate(s), lse = cpu.allocate(Shape.of(8, 4, 128));
                Tensor dq = cpu.allocate(s), dk = cpu.allocate(s), dv = cpu.allocate(s);
                int[] pos = new int[8 * 128];
                for (int i = 0; i < pos.length; i++) pos[i] = i % 128;
                WORK.add(() -> {
                    cpu.attention(q, k, v, pos, out, lse);
                    cpu.attentionBackward(q, k, v, pos, out, lse, out, dq, dk, dv);
                });
            }
            // decode32's attention alone: stories260K's heads, 32 streams at positions spread over 256, odd and even key counts
            case "decode-attention" -> decodeAttention(cpu, rnd, 8, 4, 8, 256, i -> 8 * i + i % 2, 20);
            // pmc demo's sampling: 4 heads of 32, keys 1 to 94 (every tail length)
            case "decode-attention-demo" -> decodeAttention(cpu, rnd, 4, 4, 32, 96, i -> 3 * i, 100);
            case "cross-entropy" -> { // the GPT-2 step's loss over its 256 rows and 50,257 logits, forward and backward
                Tensor logits = random(cpu, rnd, Shape.of(256, 50257)), dlogits = cpu.allocate(Shape.of(256, 50257));
                Tensor losses = cpu.allocate(Shape.of(256)), dlosses = cpu.fromHost(new float[256], Shape.of(256));
                int[] targets = new int[256];
                for (int i = 0; i < targets.length; i++) targets[i] = rnd.nextInt(50257);
                WORK.add(() -> {
                    cpu.crossEntropy(logits, targets, 0f, losses);
                    cpu.crossEntropyBackward(logits, targets, 0f, dlosses, dlogits);
                });
            }
            case "train" -> WORK.add(new TrainingStep(cpu, TrainingStep.small(), 8, 128, 1)::run);
            case "train-demo" -> WORK.add(new TrainingStep(cpu, ModelConfig.gpt2(2, 128, 4, 1024, 96), 8, 96, 1)::run);
            case "decode", "decode32" -> {
                var model = stories260k(cpu, shared);
                Generation g = name.equals("decode") ? Generation.greedy(model) : Generation.sampled(model, 32);
                WORK.add(g::run);
            }
            case "sample-pmc" -> { // PMC's sampling on stories260K: 6 questions of 40 tokens, 5 answers each (equal prompts in a row), 40 new tokens
                List<int[]> prompts = new ArrayList<>();
                for (int q = 0; q < 6; q++) {
                    int[] p = new int[40];
                    for (int i = 0; i < p.length; i++) p[i] = 1 + rnd.nextInt(500);
                    for (int k = 0; k < 5; k++) prompts.add(p);
                }
                InferenceSession session = new InferenceSession(stories260k(cpu, shared), 32, 128);
                SamplingConfig cfg = new SamplingConfig(1f, 0.9f, 0, 7L, 40, 80, -1);
                WORK.add(() -> session.generate(prompts, cfg));
            }
            default -> throw new IllegalArgumentException("unknown workload " + name + "; one of " + NAMES);
        }
    }

    /** stories260K from {@code shared}, the decoding workloads' model. */
    private static Decoder stories260k(Backend cpu, String shared) {
        try {
            return Generation.load(Generation.stories260k(Path.of(shared)), cpu);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the workload once; returns its time in ns. */
    public static long round() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpuTime = Runtime.getRuntime().availableProcessors() == 1;
        long start = cpuTime ? mx.getCurrentThreadCpuTime() : System.nanoTime();
        for (Runnable w : WORK) w.run();
        return (cpuTime ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - start;
    }

    private static Tensor random(Backend backend, Random rnd, Shape shape) {
        float[] v = new float[Math.toIntExact(shape.numel())];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextFloat() - 0.5f;
        return backend.fromHost(v, shape);
    }
}
