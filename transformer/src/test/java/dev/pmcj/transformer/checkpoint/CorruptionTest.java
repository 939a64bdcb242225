package dev.pmcj.transformer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmcj.testsupport.SharedData;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.model.ParameterLayout;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feeds corrupted real and generated checkpoints to the loaders. Every corruption that makes the file
 * invalid must end in a {@link CheckpointException} naming the file (never another exception, an OOM
 * or a hang); random header damage may also leave a valid file, which must then read completely.
 */
class CorruptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Base { STORIES260K, LLAMA2C_UNTIED, SAFETENSORS_LLAMA, SAFETENSORS_GPT2, GGUF_Q8_0, GGUF_F16 }

    enum Kind { TRUNCATE, HUGE_LENGTH, WRONG_MAGIC, MALFORMED_HEADER, UNKNOWN_DTYPE, SHAPE_VS_CONFIG, HUGE_COUNT, RANDOM_HEADER_BYTES }

    /** The damaged checkpoint (file or folder) and whether it must be refused. */
    private record Damaged(Path path, boolean mustFail, String what) {
    }

    private static Path bases;

    @BeforeContainer
    static void writeBases() throws IOException {
        bases = Files.createTempDirectory("corruption-bases");
        ModelConfig llama = ModelConfig.llama(2, 16, 24, 4, 2, 20, 8, false);
        new Llama2cFormat().save(bases.resolve("LLAMA2C_UNTIED"), llama, TestModels.source(TestModels.random(llama, 1)));
        new SafetensorsFormat().save(bases.resolve("SAFETENSORS_LLAMA"), llama, TestModels.source(TestModels.random(llama, 2)));
        ModelConfig gpt2 = ModelConfig.gpt2(2, 12, 3, 20, 8);
        new SafetensorsFormat().save(bases.resolve("SAFETENSORS_GPT2"), gpt2, TestModels.source(TestModels.random(gpt2, 3)));
        ModelConfig gg = ModelConfig.llama(2, 32, 64, 4, 2, 11, 8, true);
        Files.write(bases.resolve("GGUF_Q8_0"), GgufTestWriter.llama(gg, TestModels.random(gg, 4), GgufFormat.GGML_Q8_0).bytes());
        Files.write(bases.resolve("GGUF_F16"), GgufTestWriter.llama(gg, TestModels.random(gg, 5), GgufFormat.GGML_F16).version(2).bytes());
    }

    @AfterContainer
    static void deleteBases() {
        SafetensorsFormatTest.deleteTree(bases);
    }

    private static Path base(Base b) {
        return b == Base.STORIES260K ? SharedData.require("models/stories260K/stories260K.bin") : bases.resolve(b.name());
    }

    @Property(tries = 400)
    void corruptedCheckpointsFailCleanly(@ForAll Base base, @ForAll Kind kind, @ForAll long seed) throws IOException {
        Path work = Files.createTempDirectory("corrupt");
        try {
            Path copy = work.resolve("ckpt-" + base.name().toLowerCase());
            Path src = base(base);
            if (Files.isDirectory(src)) {
                Files.createDirectories(copy);
                for (String f : List.of(SafetensorsFormat.MODEL_FILE, SafetensorsFormat.CONFIG_FILE)) Files.copy(src.resolve(f), copy.resolve(f));
            } else {
                Files.copy(src, copy);
            }
            Random rng = new Random(seed);
            Damaged d = switch (base) {
                case STORIES260K, LLAMA2C_UNTIED -> llama2c(copy, kind, rng);
                case SAFETENSORS_LLAMA, SAFETENSORS_GPT2 -> safetensors(copy, kind, rng);
                case GGUF_Q8_0, GGUF_F16 -> gguf(copy, kind, rng);
            };
            String context = base + " " + kind + ": " + d.what();
            if (d.mustFail()) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> loadAndReadAll(d.path()), context);
                assertTrue(e.getMessage().contains(copy.toString()), context + ": message does not name the file: " + e.getMessage());
            } else {
                try {
                    loadAndReadAll(d.path());
                } catch (CheckpointException e) {
                    assertTrue(e.getMessage().contains(copy.toString()), context + ": message does not name the file: " + e.getMessage());
                }
            }
        } finally {
            SafetensorsFormatTest.deleteTree(work);
        }
    }

    private static void loadAndReadAll(Path path) throws IOException {
        try (Checkpoint ckpt = CheckpointLoader.load(path)) {
            for (String name : ckpt.names()) ckpt.read(name);
        }
    }

    // ---- llama2.c: seven int32, then floats ------------------------------------------------

    private static Damaged llama2c(Path file, Kind kind, Random rng) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int field = rng.nextInt(7);
        return switch (kind) {
            case TRUNCATE -> truncate(file, rng);
            case HUGE_LENGTH, HUGE_COUNT -> {
                int v = rng.nextBoolean() ? Integer.MAX_VALUE - rng.nextInt(1000) : (1 << 16) + rng.nextInt(Integer.MAX_VALUE - (1 << 16));
                le.putInt(4 * field, rng.nextInt(4) == 0 ? -v : v);
                yield write(file, b, true, "header field " + field + " = " + le.getInt(4 * field));
            }
            case WRONG_MAGIC -> {
                le.putInt(0, rng.nextBoolean() ? 0x616b3432 : 0);
                yield write(file, b, true, "first int " + le.getInt(0));
            }
            case SHAPE_VS_CONFIG -> {
                int f = new int[]{0, 1, 2, 3, 4, 6}[rng.nextInt(6)]; // any of these changes the implied size or validity
                le.putInt(4 * f, le.getInt(4 * f) + 1 + rng.nextInt(1000));
                yield write(file, b, true, "header field " + f + " = " + le.getInt(4 * f));
            }
            case MALFORMED_HEADER, UNKNOWN_DTYPE, RANDOM_HEADER_BYTES -> randomBytes(file, b, 28, rng);
        };
    }

    // ---- safetensors: u64 header length, JSON header, data; config.json beside it ----------

    private static Damaged safetensors(Path dir, Kind kind, Random rng) throws IOException {
        Path file = dir.resolve(SafetensorsFormat.MODEL_FILE), config = dir.resolve(SafetensorsFormat.CONFIG_FILE);
        byte[] b = Files.readAllBytes(file);
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int length = (int) le.getLong(0);
        Path target = rng.nextBoolean() ? dir : file; // the loader takes either
        return switch (kind) {
            case TRUNCATE -> new Damaged(target, true, truncate(rng.nextInt(4) == 0 ? config : file, rng).what());
            case HUGE_LENGTH -> {
                long v = rng.nextBoolean() ? b.length - 7 + rng.nextInt(1 << 20) : rng.nextLong();
                le.putLong(0, v == 0 ? -1 : v);
                yield new Damaged(target, true, write(file, b, true, "header length " + le.getLong(0)).what());
            }
            case WRONG_MAGIC -> {
                byte v;
                do v = (byte) rng.nextInt(256); while (v == '{');
                b[8] = v;
                yield new Damaged(target, true, write(file, b, true, "header starts with " + v).what());
            }
            case MALFORMED_HEADER -> {
                if (rng.nextBoolean()) {
                    int at = 8 + rng.nextInt(length);
                    b[at] = 1; // a control character is illegal anywhere in JSON, even inside strings
                    yield new Damaged(target, true, write(file, b, true, "control character at " + at).what());
                }
                byte[] c = Files.readAllBytes(config);
                int at = rng.nextInt(c.length);
                c[at] = 1;
                yield new Damaged(target, true, write(config, c, true, "config.json control character at " + at).what());
            }
            case UNKNOWN_DTYPE -> {
                String header = new String(b, 8, length, StandardCharsets.UTF_8);
                List<Integer> at = new ArrayList<>();
                for (int i = header.indexOf("\"F32\""); i >= 0; i = header.indexOf("\"F32\"", i + 1)) at.add(i);
                int pos = 8 + at.get(rng.nextInt(at.size())) + 1;
                String bad;
                do bad = "" + (char) ('A' + rng.nextInt(26)) + (char) ('0' + rng.nextInt(10)) + (char) ('0' + rng.nextInt(10));
                while (Set.of("F16", "F32", "F64", "I16", "I32", "I64", "U16", "U32", "U64").contains(bad));
                System.arraycopy(bad.getBytes(StandardCharsets.US_ASCII), 0, b, pos, 3);
                yield new Damaged(target, true, write(file, b, true, "dtype " + bad).what());
            }
            case SHAPE_VS_CONFIG -> {
                ObjectNode c = (ObjectNode) JSON.readTree(config.toFile());
                List<String> keys = c.get("model_type").asText().equals("llama")
                        ? List.of("hidden_size", "intermediate_size", "vocab_size", "num_hidden_layers")
                        : List.of("n_embd", "n_inner", "vocab_size", "n_positions", "n_layer");
                String key = keys.get(rng.nextInt(keys.size()));
                int v = rng.nextInt(4) == 0 ? Integer.MAX_VALUE : c.get(key).asInt() + 1 + rng.nextInt(1000);
                c.put(key, v);
                JSON.writeValue(config.toFile(), c);
                yield new Damaged(target, true, "config " + key + " = " + v);
            }
            case HUGE_COUNT -> {
                SafetensorsFormatTest.rewriteHeader(file, h -> {
                    List<String> names = new ArrayList<>();
                    h.fieldNames().forEachRemaining(names::add);
                    names.remove("__metadata__");
                    ArrayNode shape = ((ObjectNode) h.get(names.get(rng.nextInt(names.size())))).putArray("shape");
                    for (int i = 0, n = 1 + rng.nextInt(4); i < n; i++) shape.add(Integer.MAX_VALUE - rng.nextInt(3));
                    return h;
                });
                yield new Damaged(target, true, "huge shape");
            }
            case RANDOM_HEADER_BYTES -> new Damaged(target, false, randomBytes(file, b, 8 + length, rng).what());
        };
    }

    // ---- GGUF: magic, version, counts, metadata, tensor infos, aligned data ----------------

    private static Damaged gguf(Path file, Kind kind, Random rng) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return switch (kind) {
            case TRUNCATE -> truncate(file, rng);
            case HUGE_LENGTH -> {
                le.putLong(24, rng.nextBoolean() ? b.length + rng.nextInt(1 << 20) : rng.nextLong() | (1L << 40)); // first key's length
                yield write(file, b, true, "first key length " + le.getLong(24));
            }
            case HUGE_COUNT -> {
                int at = rng.nextBoolean() ? 8 : 16;
                le.putLong(at, rng.nextLong() | (1L << (32 + rng.nextInt(31))));
                yield write(file, b, true, (at == 8 ? "tensor" : "metadata") + " count " + le.getLong(at));
            }
            case WRONG_MAGIC -> {
                int at = rng.nextInt(4);
                b[at] = (byte) (b[at] ^ (1 + rng.nextInt(255)));
                yield write(file, b, true, "magic byte " + at);
            }
            case UNKNOWN_DTYPE -> {
                String name = GgufTestWriter.ggufName(ParameterLayout.of(ModelConfig.llama(2, 32, 64, 4, 2, 11, 8, true))
                        .get(rng.nextInt(20)).name());
                int at = lastIndexOf(b, name.getBytes(StandardCharsets.UTF_8)) + name.length();
                int typeAt = at + 4 + 8 * le.getInt(at);
                int type;
                do type = rng.nextBoolean() ? rng.nextInt(40) : rng.nextInt(); while (Set.of(0, 1, 8, 30).contains(type));
                le.putInt(typeAt, type);
                yield write(file, b, true, name + " type " + type);
            }
            case SHAPE_VS_CONFIG -> {
                String key = List.of("llama.embedding_length", "llama.feed_forward_length", "llama.block_count").get(rng.nextInt(3));
                int at = lastIndexOf(b, key.getBytes(StandardCharsets.UTF_8)) + key.length() + 4; // after the type
                le.putInt(at, le.getInt(at) + 1 + rng.nextInt(rng.nextBoolean() ? 1000 : Integer.MAX_VALUE - 100));
                yield write(file, b, true, key + " = " + Integer.toUnsignedString(le.getInt(at)));
            }
            case MALFORMED_HEADER, RANDOM_HEADER_BYTES -> randomBytes(file, b, Math.min(b.length, 1024), rng);
        };
    }

    // ---- shared -----------------------------------------------------------------------------

    private static Damaged truncate(Path file, Random rng) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int keep = rng.nextInt(4) == 0 ? rng.nextInt(Math.min(b.length, 64)) : rng.nextInt(b.length);
        Files.write(file, java.util.Arrays.copyOf(b, keep));
        return new Damaged(file, true, "truncated to " + keep + " of " + b.length);
    }

    private static Damaged randomBytes(Path file, byte[] b, int within, Random rng) throws IOException {
        StringBuilder what = new StringBuilder("bytes");
        for (int i = 0, n = 1 + rng.nextInt(4); i < n; i++) {
            int at = rng.nextInt(within);
            b[at] = (byte) rng.nextInt(256);
            what.append(' ').append(at);
        }
        return write(file, b, false, what.toString());
    }

    private static Damaged write(Path file, byte[] b, boolean mustFail, String what) throws IOException {
        Files.write(file, b);
        return new Damaged(file, mustFail, what);
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new IllegalStateException("not found");
    }
}
