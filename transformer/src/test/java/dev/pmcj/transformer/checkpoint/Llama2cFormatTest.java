package dev.pmcj.transformer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmcj.testsupport.SharedData;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.model.ParameterLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Llama2cFormatTest {
    @TempDir
    Path dir;

    @Test
    void stories260KLoadsWithTheGoldenConfig() throws IOException {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        JsonNode golden = new ObjectMapper().readTree(SharedData.require("models/stories260K/golden_reference.json").toFile()).get("config");
        try (Checkpoint ckpt = CheckpointLoader.load(model)) {
            assertInstanceOf(Llama2cFormat.class, ckpt.format());
            ModelConfig c = ckpt.config();
            assertEquals(ModelConfig.Family.LLAMA, c.family());
            assertEquals(golden.get("dim").asInt(), c.dim());
            assertEquals(golden.get("hidden_dim").asInt(), c.hiddenDim());
            assertEquals(golden.get("n_layers").asInt(), c.layers());
            assertEquals(golden.get("n_heads").asInt(), c.heads());
            assertEquals(golden.get("n_kv_heads").asInt(), c.kvHeads());
            assertEquals(golden.get("vocab_size").asInt(), c.vocab());
            assertEquals(golden.get("seq_len").asInt(), c.context());
            assertTrue(c.tiedHead());
            assertEquals(1e-5f, c.normEps());
            assertEquals(10000f, c.ropeTheta());
            assertEquals(ParameterLayout.of(c).stream().map(ParameterLayout.Entry::name).toList(), ckpt.names().stream().toList());
            assertReadsMatchRawFloats(model, ckpt);
        }
    }

    @Test
    void aidreams260KLoadsItsOwnShape() throws IOException {
        Path model = SharedData.require("models/aidreams260K/aidreams260K.bin");
        try (Checkpoint ckpt = CheckpointLoader.load(model)) {
            assertEquals(ModelConfig.llama(4, 64, 172, 4, 4, 512, 128, true), ckpt.config());
            assertReadsMatchRawFloats(model, ckpt);
        }
    }

    /**
     * Independent of the reader's offset bookkeeping: walks the file in llama2.c's order with a plain
     * ByteBuffer and compares the first and last float of every tensor.
     */
    private static void assertReadsMatchRawFloats(Path file, Checkpoint ckpt) throws IOException {
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        ModelConfig c = ckpt.config();
        int pos = 28;
        String[] kinds = {"ln1.weight", "attn.q.weight", "attn.k.weight", "attn.v.weight", "attn.proj.weight", "ln2.weight",
                "mlp.gate.weight", "mlp.down.weight", "mlp.up.weight"};
        pos = checkRun(raw, pos, ckpt, "tok_emb.weight");
        for (String kind : kinds) {
            for (int i = 0; i < c.layers(); i++) pos = checkRun(raw, pos, ckpt, ParameterLayout.block(i, kind));
        }
        pos = checkRun(raw, pos, ckpt, "ln_f.weight");
        pos += 4 * c.context() * c.headDim();
        assertEquals(raw.capacity(), pos, "tensors and rotary tables cover the file exactly");
    }

    private static int checkRun(ByteBuffer raw, int pos, Checkpoint ckpt, String name) {
        float[] v = ckpt.read(name);
        for (int i = 0; i < v.length; i++) assertEquals(raw.getFloat(pos + 4 * i), v[i], name + "[" + i + "]");
        return pos + 4 * v.length;
    }

    @Test
    void untiedHeadRoundTripsThroughANegativeVocab() throws IOException {
        ModelConfig c = ModelConfig.llama(2, 8, 12, 2, 1, 11, 5, false);
        Map<String, float[]> values = TestModels.random(c, 7);
        Path file = dir.resolve("m.bin");
        new Llama2cFormat().save(file, c, TestModels.source(values));
        assertEquals(-11, ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getInt(20));
        try (Checkpoint ckpt = CheckpointLoader.load(file)) {
            assertEquals(c, ckpt.config());
            TestModels.assertSameBits(values, ckpt);
        }
    }

    @Test
    void savedFileHasLlama2cRotaryTables() throws IOException {
        ModelConfig c = ModelConfig.llama(1, 4, 4, 1, 1, 3, 3, true);
        Path file = dir.resolve("m.bin");
        new Llama2cFormat().save(file, c, TestModels.source(TestModels.random(c, 1)));
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int tables = raw.capacity() - 2 * 3 * 2 * 4; // [seq 3, head/2 2] real then imag, at the end (tied head)
        // position 2, pair 1: angle 2 * 10000^(-2/4) = 0.02
        assertEquals(Math.cos(0.02), raw.getFloat(tables + 4 * (2 * 2 + 1)), 1e-7);
        assertEquals(Math.sin(0.02), raw.getFloat(tables + 4 * (6 + 2 * 2 + 1)), 1e-7);
    }

    @Test
    void refusesWhatTheFormatCannotHold() {
        var source = TestModels.source(Map.of());
        assertThrows(IllegalArgumentException.class, () -> new Llama2cFormat().save(dir.resolve("g.bin"), ModelConfig.gpt2(1, 8, 2, 10, 4), source));
        ModelConfig eps = new ModelConfig(ModelConfig.Family.LLAMA, 1, 8, 8, 2, 2, 10, 4, 1e-6f, 10000f, true);
        assertThrows(IllegalArgumentException.class, () -> new Llama2cFormat().save(dir.resolve("e.bin"), eps, source));
        assertFalse(Files.exists(dir.resolve("g.bin")));
    }

    @Test
    void failedSaveLeavesNoFileAndKeepsTheOldOne() throws IOException {
        ModelConfig c = ModelConfig.llama(1, 4, 4, 1, 1, 3, 3, true);
        Path file = dir.resolve("m.bin");
        Map<String, float[]> values = TestModels.random(c, 3);
        new Llama2cFormat().save(file, c, TestModels.source(values));
        byte[] before = Files.readAllBytes(file);
        ParameterSource failing = name -> {
            if (name.equals("ln_f.weight")) throw new IOException("disk gone");
            return values.get(name);
        };
        assertThrows(IOException.class, () -> new Llama2cFormat().save(file, c, failing));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }
}
