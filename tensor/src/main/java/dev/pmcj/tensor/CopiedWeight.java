package dev.pmcj.tensor;

/** {@link Backend#packWeight}'s plain form: a contiguous copy, multiplied as {@code x W^T}. */
record CopiedWeight(Backend backend, Tensor copy) implements PackedWeight {
    @Override
    public Shape shape() {
        return copy.shape();
    }
}
