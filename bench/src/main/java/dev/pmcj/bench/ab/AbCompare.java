package dev.pmcj.bench.ab;

import dev.pmcj.bench.quick.Timing;

import java.io.File;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;

/**
 * Times one workload of two builds in one JVM, in alternating rounds (A B, B A, A B, ...), so that
 * both meet the same stretches of a shared machine that changes speed for seconds at a time. Each
 * build is loaded by a class loader of its own (its {@link AbWorkload}, compiled against it, first on
 * the path), with its own JIT-compiled code and its own CPU thread pool. Prints each side's median
 * round, the median and quartiles of the per-round time ratio A/B (above 1: B is faster), and in
 * how many rounds B was faster.
 *
 * <p>Arguments: {@code WORKLOAD ROUNDS SHARED CLASSPATH_A CLASSPATH_B}; {@code bench/ab} builds
 * the two revisions and passes their class paths.
 */
public final class AbCompare {
    /**
     * Untimed rounds before timing: at least this many of each build, and for at least
     * {@link #WARMUP_SECONDS} of both together, as long as {@code bench/quick} warms each figure up:
     * C2 goes on compiling a short workload (a stories260K generation is 10 ms) for a second or two.
     */
    private static final int WARMUP_ROUNDS = 5;
    private static final double WARMUP_SECONDS = 6;
    private static final String WORKLOAD_CLASS = "dev.pmcj.bench.ab.AbWorkload";

    private AbCompare() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: AbCompare WORKLOAD ROUNDS SHARED CLASSPATH_A CLASSPATH_B");
            System.exit(2);
        }
        String workload = args[0];
        int rounds = Integer.parseInt(args[1]);
        Method[] round = new Method[2];
        for (int side = 0; side < 2; side++) {
            Class<?> w = new URLClassLoader(urls(args[3 + side]), ClassLoader.getPlatformClassLoader())
                    .loadClass(WORKLOAD_CLASS);
            w.getMethod("setup", String.class, String.class).invoke(null, workload, args[2]);
            round[side] = w.getMethod("round");
        }
        Timing.warmUp(() -> {
            time(round[0]);
            time(round[1]);
        }, WARMUP_ROUNDS, WARMUP_SECONDS);
        double[][] ms = new double[2][rounds];
        double[] ratio = new double[rounds];
        int bFaster = 0;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 2; i++) {
                int side = r % 2 == 0 ? i : 1 - i;
                ms[side][r] = time(round[side]) / 1e6;
            }
            ratio[r] = ms[0][r] / ms[1][r];
            if (ratio[r] > 1) bFaster++;
        }
        for (double[] m : ms) Arrays.sort(m);
        Arrays.sort(ratio);
        System.out.printf("%s, %d rounds: A median %.2f ms, B median %.2f ms; time A/B median %.3f (quartiles %.3f, %.3f);"
                        + " B faster in %d of %d rounds%n", workload, rounds, median(ms[0]), median(ms[1]), median(ratio),
                ratio[rounds / 4], ratio[(3 * rounds) / 4], bFaster, rounds);
        System.exit(0);
    }

    /** One round of a build's workload; the nanoseconds it reports. */
    private static long time(Method round) {
        try {
            return (long) round.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("a round of " + round.getDeclaringClass().getName() + " failed", e);
        }
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static URL[] urls(String classPath) throws MalformedURLException {
        String[] parts = classPath.split(File.pathSeparator);
        URL[] urls = new URL[parts.length];
        for (int i = 0; i < parts.length; i++) urls[i] = new File(parts[i]).toURI().toURL();
        return urls;
    }
}
