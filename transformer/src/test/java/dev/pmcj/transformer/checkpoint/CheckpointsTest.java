package dev.pmcj.transformer.checkpoint;

import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.Shape;
import dev.pmcj.testsupport.SharedData;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.model.ParameterLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointsTest {
    @TempDir
    Path dir;

    private static ParameterStore storeFor(ModelConfig c) {
        ParameterStore.Builder b = ParameterStore.builder(Backends.scalar());
        for (ParameterLayout.Entry e : ParameterLayout.of(c)) b.add(e.name(), e.shape());
        return b.build();
    }

    /** stories260K into a store, out to both writable formats, back in: the same numbers everywhere. */
    @Test
    void storeLoadsAndSavesStories260K() throws IOException {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        try (Checkpoint original = CheckpointLoader.load(model)) {
            ParameterStore store = storeFor(original.config());
            Checkpoints.copyInto(original, store);
            Map<String, float[]> expected = new LinkedHashMap<>();
            for (String name : original.names()) {
                expected.put(name, original.read(name));
                assertArrayEquals(expected.get(name), store.value(name).toHost(), name);
            }
            Path bin = dir.resolve("copy.bin"), st = dir.resolve("hf");
            Checkpoints.save(new Llama2cFormat(), bin, original.config(), store);
            Checkpoints.save(new SafetensorsFormat(), st, original.config(), store);
            assertLlama2cFilesAgree(model, bin, original.config());
            try (Checkpoint copy = CheckpointLoader.load(st)) {
                assertInstanceOf(SafetensorsFormat.class, CheckpointFormat.detect(st.resolve(SafetensorsFormat.MODEL_FILE)));
                TestModels.assertSameBits(expected, copy);
            }
        }
    }

    /**
     * Byte for byte up to the rotary tables (the header and every weight), which llama2.c computed in
     * float32 with PyTorch's cos/sin: the same float32 angles, cos/sin within an ulp or two.
     */
    private static void assertLlama2cFilesAgree(Path expected, Path actual, ModelConfig c) throws IOException {
        byte[] want = Files.readAllBytes(expected), got = Files.readAllBytes(actual);
        assertEquals(want.length, got.length, "size");
        int tables = want.length - 4 * c.context() * c.headDim(); // tied head: the tables end the file
        assertArrayEquals(Arrays.copyOf(want, tables), Arrays.copyOf(got, tables), "header and weights");
        FloatBuffer w = ByteBuffer.wrap(want).order(ByteOrder.LITTLE_ENDIAN).position(tables).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        FloatBuffer g = ByteBuffer.wrap(got).order(ByteOrder.LITTLE_ENDIAN).position(tables).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < w.capacity(); i++) assertEquals(w.get(i), g.get(i), 2 * Math.ulp(1f), "rotary table [" + i + "]");
    }

    @Test
    void copyIntoRefusesAStoreOfAnotherShape() throws IOException {
        ModelConfig c = ModelConfig.llama(1, 8, 12, 2, 2, 10, 4, true);
        Path file = dir.resolve("m.bin");
        new Llama2cFormat().save(file, c, TestModels.source(TestModels.random(c, 1)));
        ParameterStore other = storeFor(ModelConfig.llama(1, 8, 16, 2, 2, 10, 4, true));
        try (Checkpoint ckpt = CheckpointLoader.load(file)) {
            var e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.copyInto(ckpt, other));
            assertTrue(e.getMessage().contains("blocks.0.mlp.gate.weight") && e.getMessage().contains(file.toString()), e.getMessage());
        }
    }

    @Test
    void readHonoursTheDestinationOffsetAndClosingUnmaps() throws IOException {
        ModelConfig c = ModelConfig.gpt2(1, 4, 2, 5, 3);
        Map<String, float[]> values = TestModels.random(c, 8);
        new SafetensorsFormat().save(dir, c, TestModels.source(values));
        Checkpoint ckpt = CheckpointLoader.load(dir);
        float[] dst = new float[2 + 48];
        ckpt.read("blocks.0.attn.qkv.weight", dst, 2);
        assertEquals(Shape.of(12, 4), ckpt.shape("blocks.0.attn.qkv.weight"));
        assertArrayEquals(values.get("blocks.0.attn.qkv.weight"), Arrays.copyOfRange(dst, 2, 50));
        assertThrows(IndexOutOfBoundsException.class, () -> ckpt.read("blocks.0.attn.qkv.weight", dst, 3));
        assertThrows(IllegalArgumentException.class, () -> ckpt.read("no.such.weight"));
        ckpt.close();
        assertThrows(IllegalStateException.class, () -> ckpt.read("ln_f.weight"));
    }

    @Test
    void detectionNamesTheFileWhenNothingFits() throws IOException {
        Path tiny = Files.write(dir.resolve("tiny"), new byte[]{1, 2, 3});
        var e = assertThrows(CheckpointException.class, () -> CheckpointLoader.load(tiny));
        assertTrue(e.getMessage().startsWith(tiny.toString()), e.getMessage());
        assertThrows(CheckpointException.class, () -> CheckpointLoader.load(dir.resolve("absent.bin")));
        var noConfig = assertThrows(CheckpointException.class, () -> CheckpointLoader.load(Files.createDirectory(dir.resolve("empty"))));
        assertTrue(noConfig.getMessage().contains("model.safetensors"), noConfig.getMessage());
    }
}
