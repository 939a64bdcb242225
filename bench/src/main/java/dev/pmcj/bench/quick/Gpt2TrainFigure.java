package dev.pmcj.bench.quick;

import dev.pmcj.tensor.Backends;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code train_step_gpt2_ms} and {@code train_gpt2_peak_rss_mb}: GPT-2 124M training steps (sequence
 * 64, batch 4) in a JVM of their own ({@link #main}), so that its {@code VmHWM} is the peak resident
 * memory of that workload alone. The child's heap is sized for the job.
 */
public final class Gpt2TrainFigure implements QuickFigure {
    /**
     * Four 124M-float buffers (weights, gradients, two moments) live in the old generation. A step
     * allocates about 75 KB of Java objects once warm, so a small young generation suffices, and every
     * megabyte of it would count in the peak resident memory (256 MB cost 155 MB of VmHWM).
     */
    static final String[] HEAP = {"-Xmx3200m", "-Xmn32m"};

    @Override
    public List<Measurement> run() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, HEAP[0], HEAP[1], "-XX:+UseParallelGC", "-XX:+UseTransparentHugePages", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Gpt2TrainFigure.class.getName());
        List<Measurement> out = new ArrayList<>();
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    String[] f = line.trim().split(" ");
                    if (f.length == 3) out.add(new Measurement(f[0], Double.parseDouble(f[1]), f[2]));
                }
            }
            if (p.waitFor() != 0) throw new IllegalStateException("GPT-2 training child exited with " + p.exitValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The child: warm-up steps (at least one, and 3 s), the median of five, then this process's peak RSS. */
    public static void main(String[] args) throws IOException {
        for (Measurement m : TrainStepFigure.gpt2(Backends.cpu()).run()) {
            if (m.name().startsWith("train_step_")) System.out.println(m.line());
        }
        System.out.println(new Measurement("train_gpt2_peak_rss_mb", peakRssKb() / 1024.0, "MiB").line());
    }

    /** {@code VmHWM} from /proc/self/status, in kB. */
    static long peakRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IOException("/proc/self/status has no VmHWM line");
    }
}
