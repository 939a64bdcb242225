package dev.pmcj.transformer.checkpoint;

import dev.pmcj.tensor.DType;
import dev.pmcj.tensor.DTypes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Single stored numbers, for the layouts {@link DTypes#read}'s contiguous runs cannot serve
 * (GPT-2's transposed Conv1D weights) and for writing.
 */
final class StoredValues {
    private StoredValues() {
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One value of an element-addressable type (F32, F16, BF16). */
    static float decodeOne(MemorySegment src, long offset, DType type) {
        return switch (type) {
            case F32 -> src.get(F32, offset);
            case F16 -> DTypes.f16ToF32(src.get(I16, offset));
            case BF16 -> DTypes.bf16ToF32(src.get(I16, offset));
            default -> throw new IllegalArgumentException(type + " values are not individually addressable");
        };
    }

    /** Appends {@code value} in {@code type} (F32, F16, or BF16 rounded to nearest even) to {@code out}. */
    static void encode(float value, DType type, ByteBuffer out) {
        switch (type) {
            case F32 -> out.putFloat(value);
            case F16 -> out.putShort(DTypes.f32ToF16(value));
            case BF16 -> out.putShort(DTypes.f32ToBf16(value));
            default -> throw new IllegalArgumentException("cannot write " + type);
        }
    }
}
