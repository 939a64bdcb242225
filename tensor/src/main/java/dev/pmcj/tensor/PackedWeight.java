package dev.pmcj.tensor;

/**
 * A weight matrix {@code W [N, K]} laid out once by a backend for many products {@code x W^T}
 * ({@link Backend#packWeight}, {@link Backend#matmul(Tensor, PackedWeight, Tensor, boolean)}).
 * Decoding a batch of streams multiplies the same weights by a few rows hundreds of times, and
 * packing them again on every call cost as much as the arithmetic. A snapshot: later writes to W
 * do not reach it.
 */
public interface PackedWeight {
    /** W's shape, {@code [N, K]}. */
    Shape shape();

    /** The backend that packed it, the only one that can multiply by it. */
    Backend backend();

    /**
     * {@code w}, checked to come from {@code backend} as {@code type}, for a backend's
     * {@link Backend#matmul(Tensor, PackedWeight, Tensor, boolean)}.
     */
    static <W extends PackedWeight> W of(Backend backend, PackedWeight w, Class<W> type) {
        if (w.backend() != backend || !type.isInstance(w)) {
            throw new IllegalArgumentException("matmul: weight " + w.shape() + " was packed by " + w.backend().name()
                    + ", not by " + backend.name());
        }
        return type.cast(w);
    }
}
