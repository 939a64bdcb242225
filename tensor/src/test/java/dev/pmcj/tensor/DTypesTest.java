package dev.pmcj.tensor;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DTypesTest {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void bf16ByHand() {
        assertEquals((short) 0x3F80, DTypes.f32ToBf16(1f));
        assertEquals((short) 0x4049, DTypes.f32ToBf16((float) Math.PI));                // 3.140625
        assertEquals((short) 0x3F80, DTypes.f32ToBf16(1f + 0x1p-8f));                   // tie -> even (down)
        assertEquals((short) 0x3F82, DTypes.f32ToBf16(1f + 3 * 0x1p-8f));               // tie -> even (up)
        assertEquals((short) 0x7F80, DTypes.f32ToBf16(Float.MAX_VALUE));                // rounds to +inf
        assertTrue(Float.isNaN(DTypes.bf16ToF32(DTypes.f32ToBf16(Float.NaN))));
        assertEquals(-2.5f, DTypes.bf16ToF32(DTypes.f32ToBf16(-2.5f)));
    }

    /** A float is a bf16 {@code hi} plus 16 low bits: below half rounds down, above up, half to even. */
    @Property(tries = 2000)
    void bf16RoundsToNearestEven(@ForAll @IntRange(min = 0, max = 0x7F7E) int hi, @ForAll @IntRange(min = 0, max = 0xFFFF) int lo,
                                 @ForAll boolean negative) {
        int sign = negative ? 0x8000 : 0;
        float f = Float.intBitsToFloat(((hi | sign) << 16) | lo);
        int expected = lo < 0x8000 ? hi : lo > 0x8000 ? hi + 1 : hi + (hi & 1);
        assertEquals((short) (expected | sign), DTypes.f32ToBf16(f));
        if (lo == 0) assertEquals(f, DTypes.bf16ToF32(DTypes.f32ToBf16(f)), "bf16 values round-trip exactly");
    }

    @Test
    void everyFiniteF16RoundTrips() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = DTypes.f16ToF32((short) bits);
            if (Float.isNaN(f)) continue;
            assertEquals((short) bits, DTypes.f32ToF16(f), "f16 bits " + Integer.toHexString(bits));
        }
        assertEquals(1f, DTypes.f16ToF32((short) 0x3C00));
        assertEquals(65504f, DTypes.f16ToF32((short) 0x7BFF));
        assertEquals(0x1p-24f, DTypes.f16ToF32((short) 0x0001));
    }

    @Test
    void q8_0DequantizesHandBuiltBlocksAtAnOffset() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(3 + 2 * 34);
            seg.fill((byte) 0x7F); // garbage before the data must not be read
            long at = 3;
            seg.set(I16, at, DTypes.f32ToF16(0.5f));
            seg.set(I16, at + 34, DTypes.f32ToF16(-0.25f));
            float[] expected = new float[64 + 1];
            expected[0] = 42; // dst offset 1 leaves this alone
            for (int i = 0; i < 32; i++) {
                byte q0 = (byte) (i * 8 - 128), q1 = (byte) (127 - i);
                seg.set(ValueLayout.JAVA_BYTE, at + 2 + i, q0);
                seg.set(ValueLayout.JAVA_BYTE, at + 36 + i, q1);
                expected[1 + i] = 0.5f * q0;
                expected[33 + i] = -0.25f * q1;
            }
            float[] dst = new float[65];
            dst[0] = 42;
            DTypes.read(DType.Q8_0, seg, at, dst, 1, 64);
            assertArrayEquals(expected, dst);
            assertEquals(-64f, dst[1]); // 0.5 * -128
            assertThrows(IllegalArgumentException.class, () -> DTypes.read(DType.Q8_0, seg, at + 1, dst, 1, 64));
            assertThrows(IllegalArgumentException.class, () -> DTypes.read(DType.Q8_0, seg, at, dst, 1, 48));
        }
    }

    @Test
    void f32F16Bf16FromUnalignedLittleEndianBytes() {
        float[] values = {1.5f, -0.1f, 3e-5f, 65000f};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(1 + 4 * 4 + 2 * 4 + 2 * 4);
            long f32At = 1, f16At = f32At + 16, bf16At = f16At + 8;
            for (int i = 0; i < 4; i++) {
                seg.set(F32, f32At + 4L * i, values[i]);
                seg.set(I16, f16At + 2L * i, DTypes.f32ToF16(values[i]));
                seg.set(I16, bf16At + 2L * i, DTypes.f32ToBf16(values[i]));
            }
            assertEquals((byte) 0x3F, seg.get(ValueLayout.JAVA_BYTE, f32At + 3), "little-endian: 1.5f = 0x3FC00000");
            float[] got = new float[4];
            DTypes.read(DType.F32, seg, f32At, got, 0, 4);
            assertArrayEquals(values, got);
            DTypes.read(DType.F16, seg, f16At, got, 0, 4);
            for (int i = 0; i < 4; i++) assertEquals(values[i], got[i], Math.abs(values[i]) * 0x1p-11f + 0x1p-24f, "f16");
            DTypes.read(DType.BF16, seg, bf16At, got, 0, 4);
            for (int i = 0; i < 4; i++) assertEquals(values[i], got[i], Math.abs(values[i]) * 0x1p-8f, "bf16");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DTypes.read(DType.F32, seg, f32At, new float[9], 0, 9)); // 36 bytes from byte 1 of 33
            assertTrue(e.getMessage().contains("past the end"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> DTypes.read(DType.F32, seg, 0, new float[2], 0, 4));
        }
    }
}
