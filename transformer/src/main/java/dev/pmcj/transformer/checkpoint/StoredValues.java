package dev.pmcj.transformer.checkpoint;

import dev.pmcj.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian stored numbers (F32, F16, BF16, Q8_0) to and from float32. */
final class StoredValues {
    private StoredValues() {
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int Q8_BLOCK = 32;
    static final int Q8_BLOCK_BYTES = 34;

    /** Converts {@code count} contiguous values at {@code offset} into {@code dst[dstOffset..]}. */
    static void decode(MemorySegment src, long offset, DType type, float[] dst, int dstOffset, int count) {
        switch (type) {
            case F32 -> MemorySegment.copy(src, F32, offset, dst, dstOffset, count);
            case F16, BF16 -> {
                for (int i = 0; i < count; i++) dst[dstOffset + i] = decodeOne(src, offset + 2L * i, type);
            }
            case Q8_0 -> {
                if (count % Q8_BLOCK != 0) throw new IllegalArgumentException("Q8_0 needs whole blocks of 32, got " + count);
                for (int b = 0; b < count / Q8_BLOCK; b++) {
                    long block = offset + (long) b * Q8_BLOCK_BYTES;
                    float scale = Float.float16ToFloat(src.get(I16, block));
                    int base = dstOffset + b * Q8_BLOCK;
                    for (int i = 0; i < Q8_BLOCK; i++) dst[base + i] = scale * src.get(ValueLayout.JAVA_BYTE, block + 2 + i);
                }
            }
            case I32 -> throw new IllegalArgumentException("I32 is not a stored parameter type");
        }
    }

    /** One value of an element-addressable type (F32, F16, BF16). */
    static float decodeOne(MemorySegment src, long offset, DType type) {
        return switch (type) {
            case F32 -> src.get(F32, offset);
            case F16 -> Float.float16ToFloat(src.get(I16, offset));
            case BF16 -> Float.intBitsToFloat(src.get(I16, offset) << 16);
            default -> throw new IllegalArgumentException(type + " values are not individually addressable");
        };
    }

    /** Appends {@code value} in {@code type} (F32, F16, or BF16 rounded to nearest even) to {@code out}. */
    static void encode(float value, DType type, ByteBuffer out) {
        switch (type) {
            case F32 -> out.putFloat(value);
            case F16 -> out.putShort(Float.floatToFloat16(value));
            case BF16 -> out.putShort(toBf16(value));
            default -> throw new IllegalArgumentException("cannot write " + type);
        }
    }

    static short toBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) return (short) ((bits >>> 16) | 0x40); // keep it a (quiet) NaN
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
