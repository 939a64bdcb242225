package dev.pmcj.tensor;

import dev.pmcj.tensor.opencl.OpenClBackend;
import dev.pmcj.tensor.opencl.OpenClUnavailableException;

import java.util.Locale;
import java.util.function.IntFunction;

/** Picks a backend by name: {@code scalar}, {@code cpu}, {@code opencl} or {@code opencl:N}. */
public final class Backends {
    private static final Backend SCALAR = new ScalarBackend();
    private static final Backend CPU = new dev.pmcj.tensor.vector.VectorBackend();

    private Backends() {
    }

    /** The specification backend (slow, obviously right). */
    public static Backend scalar() {
        return SCALAR;
    }

    /** The fast CPU backend. */
    public static Backend cpu() {
        return CPU;
    }

    /**
     * Parses a {@code --device} value. {@code opencl} is device 0 and {@code opencl:N} device N,
     * counted over every OpenCL platform; without a usable OpenCL device they fall back to
     * {@link #cpu()} with one line on stderr. A device index beyond the devices present is an error.
     */
    public static Backend select(String spec) {
        return select(spec, OpenClBackend::open);
    }

    /** {@link #select(String)} with the OpenCL opener given (tests use one that finds no device). */
    static Backend select(String spec, IntFunction<Backend> opencl) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "scalar":
                return scalar();
            case "cpu":
                return cpu();
            default:
                break;
        }
        if (s.equals("opencl") || s.matches("opencl:\\d+")) {
            try {
                return opencl.apply(s.equals("opencl") ? 0 : Integer.parseInt(s.substring("opencl:".length())));
            } catch (OpenClUnavailableException e) {
                System.err.println("no OpenCL device: using the CPU backend");
                return cpu();
            }
        }
        throw new IllegalArgumentException("unknown backend '" + spec + "': expected scalar, cpu, opencl or opencl:N");
    }
}
