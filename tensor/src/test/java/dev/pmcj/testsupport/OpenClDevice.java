package dev.pmcj.testsupport;

import dev.pmcj.tensor.opencl.OpenClBackend;
import dev.pmcj.tensor.opencl.OpenClUnavailableException;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The OpenCL backend on device 0 for tests. Without an OpenCL device, tests are skipped with a
 * visible message, except under {@code CI=true} (where {@code .ci/run} installs PoCL), where the
 * absence is a failure.
 */
public final class OpenClDevice {
    private static final String HINT = "install pocl-opencl-icd and ocl-icd-libopencl1 to run the OpenCL tests";
    private static volatile Object cached;

    private OpenClDevice() {
    }

    /** The backend, or null with the reason remembered. */
    private static synchronized Object lookup() {
        if (cached == null) {
            try {
                cached = OpenClBackend.open(0);
            } catch (OpenClUnavailableException e) {
                cached = e.getMessage();
            }
        }
        return cached;
    }

    private static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** For JUnit tests: the backend, a visible skip, or (under CI=true) a failure. */
    public static OpenClBackend require() {
        Object found = lookup();
        if (found instanceof OpenClBackend b) return b;
        String msg = "no OpenCL device (" + found + "); " + HINT;
        if (inCi()) Assertions.fail(msg + "; CI=true requires one");
        System.err.println("SKIPPED: " + msg);
        Assumptions.abort(msg);
        throw new AssertionError("unreachable");
    }

    /**
     * For jqwik containers ({@code @AddLifecycleHook(OpenClDevice.SkipWithout.class)}): skips them
     * visibly without a device; under CI=true it does not skip, so {@link #require()} fails instead.
     */
    public static final class SkipWithout implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            Object found = lookup();
            if (found instanceof OpenClBackend || inCi()) return SkipResult.doNotSkip();
            String msg = "no OpenCL device (" + found + "); " + HINT;
            System.err.println("SKIPPED: " + context.label() + ": " + msg);
            return SkipResult.skip(msg);
        }
    }
}
