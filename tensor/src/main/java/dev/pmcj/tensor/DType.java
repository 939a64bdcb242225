package dev.pmcj.tensor;

/**
 * Element types. Compute is always {@link #F32}; the others describe how checkpoints store numbers
 * ({@link DTypes} converts them to F32), and {@link #I32} is for token ids.
 */
public enum DType {
    F32(4), F16(2), BF16(2), I32(4),
    /** GGML's Q8_0: blocks of 32 int8 values with one f16 scale (34 bytes per block). */
    Q8_0(-1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes needed to store {@code count} elements, validating block alignment for block formats. */
    public long byteSize(long count) {
        if (this == Q8_0) {
            if (count % 32 != 0) throw new IllegalArgumentException("Q8_0 needs a multiple of 32 elements, got " + count);
            return count / 32 * 34;
        }
        return Math.multiplyExact(count, (long) bytes);
    }
}
