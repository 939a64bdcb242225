package dev.pmcj.transformer.checkpoint;

import dev.pmcj.tensor.DType;
import dev.pmcj.tensor.Shape;
import dev.pmcj.transformer.model.ModelConfig;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Arbitraries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufFormatTest {
    @TempDir
    Path dir;

    @Provide
    Arbitrary<Integer> ggmlTypes() {
        return Arbitraries.of(GgufFormat.GGML_F32, GgufFormat.GGML_F16, GgufFormat.GGML_BF16, GgufFormat.GGML_Q8_0);
    }

    /** Every supported type reads back as the values a hand decode of the stored bytes gives. */
    @Property(tries = 24)
    void eachTypeReadsBack(@ForAll("ggmlTypes") int type, @ForAll boolean tied, @ForAll boolean v2, @ForAll long seed) throws IOException {
        ModelConfig c = ModelConfig.llama(2, 64, 32, 4, 2, 7, 16, tied); // rows of 64 and 32: whole Q8_0 blocks
        Map<String, float[]> values = TestModels.random(c, seed);
        Path file = Files.createTempFile("m", ".gguf");
        try {
            Files.write(file, GgufTestWriter.llama(c, values, type).version(v2 ? 2 : 3).bytes());
            try (Checkpoint ckpt = CheckpointLoader.load(file)) {
                assertInstanceOf(GgufFormat.class, ckpt.format());
                assertEquals(c, ckpt.config());
                Map<String, float[]> expected = new java.util.LinkedHashMap<>();
                values.forEach((name, v) -> expected.put(name, GgufTestWriter.expected(v, ckpt.shape(name).rank() == 2 ? type : GgufFormat.GGML_F32)));
                TestModels.assertSameBits(expected, ckpt);
                assertEquals("test model", ckpt.metadata().get("general.name"));
            }
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void q8DequantizesAsScaleTimesInt8ByHand() throws IOException {
        // token_embd [2 rows, 32] as two Q8_0 blocks built byte by byte: scales 0.5 (f16 0x3800) and -0.25 (0xB400)
        ByteBuffer data = GgufTestWriter.le(68);
        data.putShort((short) 0x3800);
        for (int i = 0; i < 32; i++) data.put((byte) (i * 8 - 128)); // -128, -120, ..., 120
        data.putShort((short) 0xB400);
        for (int i = 0; i < 32; i++) data.put((byte) (127 - i));
        float[] expected = new float[64];
        for (int i = 0; i < 32; i++) {
            expected[i] = 0.5f * (i * 8 - 128);
            expected[32 + i] = -0.25f * (127 - i);
        }
        assertEquals(-64f, expected[0]);
        assertEquals(-31.75f, expected[32]);
        ModelConfig c = ModelConfig.llama(1, 32, 32, 2, 2, 2, 4, true);
        Path file = dir.resolve("q8.gguf");
        Files.write(file, GgufTestWriter.llama(c, TestModels.random(c, 1), GgufFormat.GGML_F32)
                .replaceRaw("token_embd.weight", GgufFormat.GGML_Q8_0, data.array()).bytes());
        try (Checkpoint ckpt = CheckpointLoader.load(file)) {
            assertEquals(DType.Q8_0, ckpt.storedType("tok_emb.weight"));
            float[] got = new float[3 + 64];
            ckpt.read("tok_emb.weight", got, 3);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(got, 3, 67));
        }
    }

    @Test
    void q8IsCloseToTheOriginal() {
        float[] v = TestModels.random(ModelConfig.llama(1, 64, 32, 2, 2, 3, 2, true), 4).get("blocks.0.attn.q.weight");
        float[] q = GgufTestWriter.expected(v, GgufFormat.GGML_Q8_0);
        for (int b = 0; b < v.length / 32; b++) {
            float amax = 0;
            for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(v[b * 32 + i]));
            // half a quantization step, plus the scale's own f16 rounding (relative 2^-11) times |x| <= amax
            for (int i = 0; i < 32; i++) assertEquals(v[b * 32 + i], q[b * 32 + i], amax / 127 * 0.5f + amax * 0x1p-10f);
        }
    }

    @Test
    void parsesEveryMetadataTypeAndAlignment() throws IOException {
        ModelConfig c = ModelConfig.llama(1, 32, 32, 2, 2, 3, 4, true);
        GgufTestWriter w = GgufTestWriter.llama(c, TestModels.random(c, 1), GgufFormat.GGML_F16).alignment(64)
                .put("t.u8", GgufTestWriter.UINT8, GgufTestWriter.le(1).put((byte) 200))
                .put("t.i8", GgufTestWriter.INT8, GgufTestWriter.le(1).put((byte) -3))
                .put("t.u16", GgufTestWriter.UINT16, GgufTestWriter.le(2).putShort((short) 60000))
                .put("t.i16", GgufTestWriter.INT16, GgufTestWriter.le(2).putShort((short) -300))
                .put("t.i32", GgufTestWriter.INT32, GgufTestWriter.le(4).putInt(-5))
                .put("t.u64", GgufTestWriter.UINT64, GgufTestWriter.le(8).putLong(1L << 40))
                .put("t.i64", GgufTestWriter.INT64, GgufTestWriter.le(8).putLong(-7))
                .put("t.f64", GgufTestWriter.FLOAT64, GgufTestWriter.le(8).putDouble(0.125))
                .put("t.bool", GgufTestWriter.BOOL, GgufTestWriter.le(1).put((byte) 1))
                .put("t.strings", GgufTestWriter.ARRAY, concat(GgufTestWriter.le(12).putInt(GgufTestWriter.STRING).putLong(2),
                        GgufTestWriter.str("a"), GgufTestWriter.str("bé")))
                .put("t.nested", GgufTestWriter.ARRAY, concat(GgufTestWriter.le(12).putInt(GgufTestWriter.ARRAY).putLong(1),
                        GgufTestWriter.le(12).putInt(GgufTestWriter.FLOAT32).putLong(2), GgufTestWriter.le(8).putFloat(1.5f).putFloat(-2f)));
        Path file = dir.resolve("m.gguf");
        Files.write(file, w.bytes());
        try (Checkpoint ckpt = CheckpointLoader.load(file)) {
            Map<String, Object> m = ckpt.metadata();
            assertEquals(200, m.get("t.u8"));
            assertEquals(-3, m.get("t.i8"));
            assertEquals(60000, m.get("t.u16"));
            assertEquals(-300, m.get("t.i16"));
            assertEquals(-5, m.get("t.i32"));
            assertEquals(1L << 40, m.get("t.u64"));
            assertEquals(-7L, m.get("t.i64"));
            assertEquals(0.125, m.get("t.f64"));
            assertEquals(true, m.get("t.bool"));
            assertEquals(64L, m.get("general.alignment"));
            assertEquals(List.of("a", "bé"), m.get("t.strings"));
            assertEquals(List.of(List.of(1.5f, -2f)), m.get("t.nested"));
            assertEquals(DType.F16, ckpt.storedType("blocks.0.attn.q.weight"));
            assertEquals("blk.0.ffn_down.weight", ckpt.storedName("blocks.0.mlp.down.weight"));
        }
    }

    private static ByteBuffer concat(ByteBuffer... parts) {
        int n = 0;
        for (ByteBuffer p : parts) n += p.capacity();
        ByteBuffer out = GgufTestWriter.le(n);
        for (ByteBuffer p : parts) out.put(p.array());
        return out;
    }

    @Property(tries = 10)
    void unsupportedTypesAreRefusedNamingTensorAndType(@ForAll("otherTypes") int type) throws IOException {
        ModelConfig c = ModelConfig.llama(1, 32, 32, 2, 2, 3, 4, true);
        Path file = Files.createTempFile("m", ".gguf");
        try {
            Files.write(file, GgufTestWriter.llama(c, TestModels.random(c, 1), type).bytes());
            var e = assertThrows(CheckpointException.class, () -> CheckpointLoader.load(file));
            assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("token_embd.weight has ggml type")
                    && e.getMessage().contains("(" + type + ")"), e.getMessage());
        } finally {
            Files.delete(file);
        }
    }

    /** Tensors the model does not use are skipped whatever their type. */
    @Test
    void unusedTensorsOfOtherTypesAreIgnored() throws IOException {
        ModelConfig c = ModelConfig.llama(1, 32, 32, 2, 2, 3, 4, true);
        Map<String, float[]> values = TestModels.random(c, 1);
        Path file = dir.resolve("extra.gguf");
        Files.write(file, GgufTestWriter.llama(c, values, GgufFormat.GGML_F32).tensor("rope_freqs.weight", Shape.of(8), 12, new float[8]).bytes());
        try (Checkpoint ckpt = CheckpointLoader.load(file)) {
            TestModels.assertSameBits(values, ckpt);
        }
    }

    @Provide
    Arbitrary<Integer> otherTypes() {
        return Arbitraries.integers().between(2, 29).filter(t -> t != GgufFormat.GGML_Q8_0);
    }

    @Test
    void q4kIsNamedInTheMessage() throws IOException {
        ModelConfig c = ModelConfig.llama(1, 32, 32, 2, 2, 3, 4, true);
        GgufTestWriter w = GgufTestWriter.llama(c, TestModels.random(c, 1), 12);
        Path file = dir.resolve("q4k.gguf");
        Files.write(file, w.bytes());
        var e = assertThrows(CheckpointException.class, () -> CheckpointLoader.load(file));
        assertTrue(e.getMessage().contains("token_embd.weight has ggml type Q4_K (12)"), e.getMessage());
        assertNotEquals(-1, e.getMessage().indexOf("q4k.gguf"));
    }
}
