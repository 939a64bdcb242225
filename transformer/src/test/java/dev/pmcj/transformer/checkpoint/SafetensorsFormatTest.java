package dev.pmcj.transformer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmcj.tensor.DType;
import dev.pmcj.testsupport.SharedData;
import dev.pmcj.transformer.model.ModelConfig;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Provide
    Arbitrary<ModelConfig> llamaConfigs() {
        return ConfigArbitraries.llama();
    }

    @Provide
    Arbitrary<ModelConfig> gpt2Configs() {
        return ConfigArbitraries.gpt2();
    }

    @Property(tries = 40)
    void llamaRoundTripIsBitwise(@ForAll("llamaConfigs") ModelConfig c, @ForAll long seed) throws IOException {
        roundTrip(c, seed);
    }

    @Property(tries = 40)
    void gpt2RoundTripIsBitwise(@ForAll("gpt2Configs") ModelConfig c, @ForAll long seed) throws IOException {
        roundTrip(c, seed);
    }

    private static void roundTrip(ModelConfig c, long seed) throws IOException {
        Path dir = Files.createTempDirectory("st");
        try {
            Map<String, float[]> values = TestModels.random(c, seed);
            new SafetensorsFormat().save(dir, c, TestModels.source(values));
            try (Checkpoint ckpt = CheckpointLoader.load(dir)) {
                assertInstanceOf(SafetensorsFormat.class, ckpt.format());
                assertEquals(c, ckpt.config(), TestModels.describe(c));
                TestModels.assertSameBits(values, ckpt);
            }
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    void stories260KThroughSafetensorsReadsBackIdentically() throws IOException {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        Path dir = Files.createTempDirectory("st");
        try (Checkpoint original = CheckpointLoader.load(model)) {
            new SafetensorsFormat().save(dir, original.config(), ParameterSource.of(original));
            try (Checkpoint copy = CheckpointLoader.load(dir.resolve(SafetensorsFormat.MODEL_FILE))) {
                assertEquals(original.config(), copy.config());
                Map<String, float[]> expected = new java.util.LinkedHashMap<>();
                for (String name : original.names()) expected.put(name, original.read(name));
                TestModels.assertSameBits(expected, copy);
                // and the q rows really were permuted into Hugging Face order on the way
                assertEquals(original.read("blocks.0.attn.q.weight")[64], raw(copy, "model.layers.0.self_attn.q_proj.weight", 4 * 64));
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** The float at element {@code index} of stored tensor {@code stored}, straight from the file. */
    private static float raw(Checkpoint ckpt, String stored, int index) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(ckpt.file())).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = b.getLong(0);
        JsonNode header = JSON.readTree(new String(b.array(), 8, (int) headerLength, StandardCharsets.UTF_8));
        long begin = header.get(stored).get("data_offsets").get(0).asLong();
        return b.getFloat((int) (8 + headerLength + begin + 4L * index));
    }

    /**
     * The stored layout matches Hugging Face's own formulas, computed here independently: q/k rows by
     * {@code w.view(heads, hd/2, 2, in).transpose(1, 2)}, GPT-2 Conv1D weights as {@code [in, out]}.
     */
    @Test
    void storedLayoutIsHuggingFaces() throws IOException {
        ModelConfig llama = ModelConfig.llama(1, 12, 8, 2, 1, 5, 4, true); // head 6, kvDim 6
        Map<String, float[]> values = TestModels.random(llama, 11);
        Path dir = Files.createTempDirectory("st");
        try {
            new SafetensorsFormat().save(dir, llama, TestModels.source(values));
            try (Checkpoint ckpt = CheckpointLoader.load(dir)) {
                for (String name : new String[]{"attn.q.weight", "attn.k.weight"}) {
                    float[] model = values.get("blocks.0." + name);
                    int rows = model.length / 12, hd = 6;
                    for (int h = 0; h < rows / hd; h++) {
                        for (int i = 0; i < hd / 2; i++) {
                            for (int j = 0; j < 2; j++) {
                                int metaRow = h * hd + i * 2 + j, hfRow = h * hd + j * (hd / 2) + i;
                                for (int col = 0; col < 12; col += 5) {
                                    assertEquals(model[metaRow * 12 + col], raw(ckpt, ckpt.storedName("blocks.0." + name), hfRow * 12 + col));
                                }
                            }
                        }
                    }
                }
            }
        } finally {
            deleteTree(dir);
        }
        ModelConfig gpt2 = ModelConfig.gpt2(1, 4, 2, 7, 3);
        Map<String, float[]> g = TestModels.random(gpt2, 12);
        dir = Files.createTempDirectory("st");
        try {
            new SafetensorsFormat().save(dir, gpt2, TestModels.source(g));
            try (Checkpoint ckpt = CheckpointLoader.load(dir)) {
                float[] qkv = g.get("blocks.0.attn.qkv.weight"); // [12, 4]
                assertEquals("h.0.attn.c_attn.weight", ckpt.storedName("blocks.0.attn.qkv.weight"));
                for (int out = 0; out < 12; out++) {
                    for (int in = 0; in < 4; in++) assertEquals(qkv[out * 4 + in], raw(ckpt, "h.0.attn.c_attn.weight", in * 12 + out));
                }
            }
            JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
            assertEquals("gpt2", config.get("model_type").asText());
            assertEquals(16, config.get("n_inner").asInt());
            assertEquals(1e-5, config.get("layer_norm_epsilon").asDouble());
        } finally {
            deleteTree(dir);
        }
    }

    @Property(tries = 15)
    void halfPrecisionRoundTripsExactlyRepresentableValues(@ForAll("llamaConfigs") ModelConfig c, @ForAll long seed,
                                                           @ForAll boolean bf16) throws IOException {
        DType type = bf16 ? DType.BF16 : DType.F16;
        Map<String, float[]> values = TestModels.random(c, seed);
        for (float[] v : values.values()) {
            for (int i = 0; i < v.length; i++) v[i] = bf16 ? Float.intBitsToFloat(Float.floatToRawIntBits(v[i]) & 0xFFFF0000) : Float.float16ToFloat(Float.floatToFloat16(v[i]));
        }
        Path dir = Files.createTempDirectory("st");
        try {
            new SafetensorsFormat().save(dir, c, TestModels.source(values), type);
            try (Checkpoint ckpt = CheckpointLoader.load(dir)) {
                assertEquals(type, ckpt.storedType("tok_emb.weight"));
                TestModels.assertSameBits(values, ckpt);
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** A GPT-2 file as Hugging Face publishes it: "transformer." prefix, extra buffers, config defaults. */
    @Test
    void readsPrefixedGpt2WithExtraTensorsAndDefaults() throws IOException {
        ModelConfig c = ModelConfig.gpt2(2, 6, 3, 9, 5);
        Map<String, float[]> values = TestModels.random(c, 5);
        Path dir = Files.createTempDirectory("st");
        try {
            new SafetensorsFormat().save(dir, c, TestModels.source(values));
            rewriteHeader(dir.resolve("model.safetensors"), header -> {
                ObjectNode renamed = JSON.createObjectNode();
                header.properties().forEach(e -> renamed.set(e.getKey().equals("__metadata__") ? e.getKey() : "transformer." + e.getKey(), e.getValue()));
                // a causal-mask buffer some exports carry: zero bytes long, so it can point anywhere in the data
                renamed.putObject("transformer.h.0.attn.bias").put("dtype", "U8").putArray("shape").add(0);
                ((ObjectNode) renamed.get("transformer.h.0.attn.bias")).putArray("data_offsets").add(0).add(0);
                return renamed;
            });
            ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
            config.remove("n_inner");
            config.remove("layer_norm_epsilon");
            config.remove("tie_word_embeddings");
            JSON.writeValue(dir.resolve("config.json").toFile(), config);
            try (Checkpoint ckpt = CheckpointLoader.load(dir)) {
                assertEquals(c, ckpt.config());
                assertEquals("transformer.h.1.mlp.c_fc.weight", ckpt.storedName("blocks.1.mlp.fc.weight"));
                TestModels.assertSameBits(values, ckpt);
            }
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    void missingTensorAndUnsupportedDtypeAreNamed() throws IOException {
        ModelConfig c = ModelConfig.llama(1, 4, 4, 1, 1, 3, 3, false);
        Path dir = Files.createTempDirectory("st");
        try {
            new SafetensorsFormat().save(dir, c, TestModels.source(TestModels.random(c, 2)));
            rewriteHeader(dir.resolve("model.safetensors"), h -> {
                h.remove("lm_head.weight");
                return h;
            });
            var e = assertThrows(CheckpointException.class, () -> CheckpointLoader.load(dir));
            assertTrue(e.getMessage().contains("lm_head.weight") && e.getMessage().contains("model.safetensors"), e.getMessage());

            new SafetensorsFormat().save(dir, c, TestModels.source(TestModels.random(c, 2)));
            rewriteHeader(dir.resolve("model.safetensors"), h -> {
                ((ObjectNode) h.get("model.norm.weight")).put("dtype", "I32");
                return h;
            });
            e = assertThrows(CheckpointException.class, () -> CheckpointLoader.load(dir));
            assertTrue(e.getMessage().contains("model.norm.weight") && e.getMessage().contains("I32"), e.getMessage());
        } finally {
            deleteTree(dir);
        }
    }

    /** Replaces the JSON header, keeping the data section (offsets stay valid). */
    static void rewriteHeader(Path file, java.util.function.UnaryOperator<ObjectNode> edit) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int length = (int) ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        ObjectNode header = (ObjectNode) JSON.readTree(new String(all, 8, length, StandardCharsets.UTF_8));
        byte[] json = JSON.writeValueAsBytes(edit.apply(header));
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + all.length - 8 - length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json).put(all, 8 + length, all.length - 8 - length);
        Files.write(file, out.array());
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
