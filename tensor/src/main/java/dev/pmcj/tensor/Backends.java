package dev.pmcj.tensor;

import java.util.Locale;

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
     * Parses a {@code --backend} value. {@code opencl} and {@code opencl:N} (device index N) fall back
     * to {@link #cpu()} with one line on stderr while no OpenCL backend exists.
     */
    public static Backend select(String spec) {
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
            System.err.println("no OpenCL device: using the CPU backend");
            return cpu();
        }
        throw new IllegalArgumentException("unknown backend '" + spec + "': expected scalar, cpu, opencl or opencl:N");
    }
}
