package dev.pmcj.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Conversions between checkpoint storage types and float32. Readers take a (typically memory-mapped)
 * {@link MemorySegment} at a byte offset, little-endian as every supported file format stores it,
 * and fill a float array; ranges are checked before anything is read.
 */
public final class DTypes {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** GGML's Q8_0 block: an f16 scale d then 32 signed bytes q; value = d * q. */
    public static final int Q8_0_BLOCK = 32;
    private static final int Q8_0_BLOCK_BYTES = 34;

    private DTypes() {
    }

    public static float f16ToF32(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** Round to nearest even, as IEEE 754 binary16 conversion requires. */
    public static short f32ToF16(float value) {
        return Float.floatToFloat16(value);
    }

    /** bfloat16 is the upper half of a float32, so widening is exact. */
    public static float bf16ToF32(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round to nearest, ties to even; NaN stays a (quiet) NaN instead of rounding into infinity. */
    public static short f32ToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) return (short) ((bits >>> 16) | 0x0040);
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** Decodes {@code count} numbers of type {@code type} at {@code byteOffset} into {@code dst[dstOffset..]}. */
    public static void read(DType type, MemorySegment src, long byteOffset, float[] dst, int dstOffset, int count) {
        checkRange(type, src, byteOffset, dst, dstOffset, count);
        switch (type) {
            case F32 -> {
                for (int i = 0; i < count; i++) dst[dstOffset + i] = src.get(F32_LE, byteOffset + 4L * i);
            }
            case F16 -> {
                for (int i = 0; i < count; i++) dst[dstOffset + i] = f16ToF32(src.get(I16_LE, byteOffset + 2L * i));
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) dst[dstOffset + i] = bf16ToF32(src.get(I16_LE, byteOffset + 2L * i));
            }
            case Q8_0 -> readQ8_0(src, byteOffset, dst, dstOffset, count);
            case I32 -> throw new IllegalArgumentException("I32 holds token ids, not numbers to decode as floats");
        }
    }

    private static void readQ8_0(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int count) {
        for (int block = 0; block < count / Q8_0_BLOCK; block++) {
            long at = byteOffset + (long) block * Q8_0_BLOCK_BYTES;
            float d = f16ToF32(src.get(I16_LE, at));
            for (int i = 0; i < Q8_0_BLOCK; i++) {
                dst[dstOffset + block * Q8_0_BLOCK + i] = d * src.get(ValueLayout.JAVA_BYTE, at + 2 + i);
            }
        }
    }

    private static void checkRange(DType type, MemorySegment src, long byteOffset, float[] dst, int dstOffset, int count) {
        if (count < 0 || dstOffset < 0 || dstOffset > dst.length - count) {
            throw new IllegalArgumentException("read " + type + ": " + count + " values at index " + dstOffset
                    + " do not fit a destination of " + dst.length);
        }
        long bytes = type.byteSize(count);
        if (byteOffset < 0 || byteOffset > src.byteSize() - bytes) {
            throw new IllegalArgumentException("read " + type + ": " + count + " values (" + bytes + " bytes) at byte "
                    + byteOffset + " run past the end of a " + src.byteSize() + "-byte segment");
        }
    }
}
