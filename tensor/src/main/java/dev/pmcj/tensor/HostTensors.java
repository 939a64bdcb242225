package dev.pmcj.tensor;

/** New tensors in host memory, for the backends that compute on the host (scalar and vector). */
public final class HostTensors {
    private HostTensors() {
    }

    /** A zero-filled contiguous tensor owned by {@code owner}. */
    public static Tensor zeros(Backend owner, Shape shape) {
        return new Tensor(owner, new Storage.Host(new float[shape.size()]), shape);
    }

    /** A contiguous tensor holding a copy of {@code data}, which must fill {@code shape} exactly. */
    public static Tensor copyOf(Backend owner, float[] data, Shape shape) {
        if (data.length != shape.numel()) {
            throw new IllegalArgumentException("fromHost: " + data.length + " numbers do not fill shape " + shape);
        }
        return new Tensor(owner, new Storage.Host(data.clone()), shape);
    }
}
