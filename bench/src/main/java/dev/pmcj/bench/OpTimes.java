package dev.pmcj.bench;

import dev.pmcj.bench.quick.OpenClSgemmFigure;
import dev.pmcj.bench.quick.Timing;
import dev.pmcj.bench.workload.Generation;
import dev.pmcj.bench.workload.TrainingStep;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.opencl.OpenClBackend;
import dev.pmcj.transformer.model.Decoder;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a training step's time goes, op by op: the step runs on a proxy of the CPU backend that
 * times every call the model and autograd make (wall clock, all cores), calls made inside a call not
 * counted again. Products are split by their transposes ({@code matmulNT}: the forward {@code x W^T},
 * {@code NN}: {@code dY W}, {@code TN}: {@code dY^T X}). JFR attributes samples inside inlined Vector
 * API code to neighbouring lines; this split is what a change should be judged by before a
 * {@code bench/ab} run.
 *
 * <p>With {@code --device opencl} the step runs on OpenCL device 0 and each outermost call waits for
 * the device to finish, so an op's time is its host time plus its kernels' time (no overlap: the
 * step is slower than unsynchronised, but where the time goes is seen). A second table gives each
 * kernel's device time from the queue's profiling events: an op's host time less its kernels' is
 * the launch and the wait.
 *
 * <p>{@code decode} and {@code decode32} time stories260K's generation instead (one greedy stream, or
 * 32 streams sampled together, as {@code bench/quick} runs them; the checkpoint from
 * {@code -Dpmcj.shared}), a "step" being one whole generation: the time outside backend calls is
 * the sampler's and the session's own.
 *
 * <p>Usage: {@code OpTimes [small|gpt2|demo|decode|decode32] [steps] [--device cpu|opencl]} (default
 * small, 20 steps after untimed ones: half as many, and for at least 3 s as {@code bench/quick} warms up).
 */
public final class OpTimes {
    private final Map<String, long[]> totals = new HashMap<>(); // name -> {nanoseconds, calls}
    /** Per thread: decoding's stream groups call the backend from every core at once. */
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
    private Runnable sync = () -> { };

    private OpTimes() {
    }

    public static void main(String[] args) throws IOException {
        List<String> rest = new ArrayList<>(List.of(args));
        int device = rest.indexOf("--device");
        boolean opencl = device >= 0 && device + 1 < rest.size() && rest.get(device + 1).equals("opencl");
        if (device >= 0) rest.subList(device, Math.min(device + 2, rest.size())).clear();
        String config = rest.isEmpty() ? "small" : rest.get(0);
        int steps = rest.size() > 1 ? Integer.parseInt(rest.get(1)) : 20;
        OpTimes times = new OpTimes();
        Backend real = Backends.cpu();
        OpenClBackend cl = null;
        if (opencl) {
            System.setProperty("pmcj.opencl.profile", "true");
            cl = OpenClSgemmFigure.openAndName();
            if (cl == null) System.exit(1);
            real = cl;
            times.sync = cl::finish;
        }
        Backend backend = times.timing(real);
        Runnable step = switch (config) {
            case "small" -> new TrainingStep(backend, TrainingStep.small(), 8, 128, 1)::run;
            case "gpt2" -> new TrainingStep(backend, TrainingStep.gpt2(), 4, 64, 1)::run;
            case "demo" -> new TrainingStep(backend, TrainingStep.demo(), 32, 36, 1)::run;
            case "decode", "decode32" -> {
                Decoder model = Generation.load(Generation.stories260k(Path.of(System.getProperty("pmcj.shared", "../shared"))), backend);
                yield (config.equals("decode") ? Generation.greedy(model) : Generation.sampled(model, 32))::run;
            }
            default -> throw new IllegalArgumentException("unknown config " + config + ": small, gpt2, demo, decode or decode32");
        };
        Timing.warmUp(step, Math.max(2, steps / 2), Timing.MIN_WARMUP_SECONDS);
        times.totals.clear();
        if (cl != null) cl.kernelTimes();
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) step.run();
        double stepMs = (System.nanoTime() - start) / 1e6 / steps;
        double inCalls = table("op (" + config + " step)", times.totals, stepMs, steps);
        System.out.printf(Locale.ROOT, "step %.1f ms over %d steps, %.1f ms of it in backend calls%n", stepMs, steps, inCalls);
        if (cl != null) {
            double onDevice = table("kernel (device time)", cl.kernelTimes(), stepMs, steps);
            System.out.printf(Locale.ROOT, "%.1f ms a step in kernels on the device%n", onDevice);
        }
    }

    /** {@code real} behind a proxy that adds each outermost call's time to its op's total. */
    private Backend timing(Backend real) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, method, args) -> {
            int[] d = depth.get();
            d[0]++;
            long start = System.nanoTime();
            try {
                return method.invoke(real, args); // the real backend's own version of default methods too
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (d[0] == 1) sync.run();
                long elapsed = System.nanoTime() - start;
                if (--d[0] == 0) {
                    synchronized (totals) {
                        long[] t = totals.computeIfAbsent(name(method.getName(), args), k -> new long[2]);
                        t[0] += elapsed;
                        t[1]++;
                    }
                }
            }
        });
    }

    private static String name(String method, Object[] args) {
        if (method.equals("matmul") && args.length == 6) {
            return method + ((Boolean) args[1] ? "T" : "N") + ((Boolean) args[3] ? "T" : "N");
        }
        return method;
    }

    /** Prints {@code totals} (name -> {nanoseconds, calls}) per step, largest first; returns their sum in ms a step. */
    private static double table(String header, Map<String, long[]> totals, double stepMs, int steps) {
        List<Map.Entry<String, long[]>> rows = new ArrayList<>(totals.entrySet());
        rows.sort((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]));
        double sum = 0;
        System.out.printf(Locale.ROOT, "%-26s %10s %7s %11s%n", header, "ms/step", "share", "calls/step");
        for (Map.Entry<String, long[]> row : rows) {
            double ms = row.getValue()[0] / 1e6 / steps;
            sum += ms;
            System.out.printf(Locale.ROOT, "%-26s %10.2f %6.1f%% %11d%n", row.getKey(), ms, 100 * ms / stepMs, row.getValue()[1] / steps);
        }
        return sum;
    }
}
