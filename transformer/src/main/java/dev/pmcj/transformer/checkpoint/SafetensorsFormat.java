package dev.pmcj.transformer.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmcj.tensor.DType;
import dev.pmcj.tensor.Shape;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.model.ParameterLayout;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face safetensors (one file, F32/F16/BF16 parameters) with its {@code config.json} beside it.
 * The path is either the folder holding {@code model.safetensors} and {@code config.json} or the
 * {@code .safetensors} file itself. Names follow {@code LlamaForCausalLM} / {@code GPT2LMHeadModel}.
 */
public record SafetensorsFormat() implements WritableFormat {
    public static final String MODEL_FILE = "model.safetensors";
    public static final String CONFIG_FILE = "config.json";
    /** The safetensors specification's cap on the JSON header. */
    static final long MAX_HEADER = 100L << 20;
    private static final long MAX_CONFIG = 16L << 20;
    /** Strict: text after the JSON value (other than the header's padding spaces) is an error, not ignored. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Every dtype of the specification with its element size; PMC-J reads the first three. */
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
            Map.entry("F32", 4), Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("F64", 8),
            Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("I16", 2),
            Map.entry("U16", 2), Map.entry("I8", 1), Map.entry("U8", 1), Map.entry("BOOL", 1),
            Map.entry("F8_E4M3", 1), Map.entry("F8_E5M2", 1));

    @Override
    public String name() {
        return "safetensors";
    }

    /** A tensor of the header: dtype name, shape and absolute byte offset. */
    private record Entry(String dtype, Shape shape, long offset) {
    }

    static Path modelFile(Path path) {
        return Files.isDirectory(path) ? path.resolve(MODEL_FILE) : path;
    }

    @Override
    public Checkpoint open(Path path) throws IOException {
        Path file = modelFile(path);
        if (!Files.isRegularFile(file)) {
            boolean sharded = Files.exists(path.resolve(MODEL_FILE + ".index.json"));
            throw new CheckpointException(file, sharded ? "sharded safetensors (model.safetensors.index.json) is not supported"
                    : "no such safetensors file");
        }
        Map<String, Entry> tensors = new HashMap<>();
        Map<String, Object> metadata = new LinkedHashMap<>();
        readHeader(file, tensors, metadata);
        Path configFile = file.toAbsolutePath().resolveSibling(CONFIG_FILE);
        ModelConfig config = HfConfig.parse(configFile, readJson(configFile, MAX_CONFIG));
        long needed = (long) config.layers() * (config.family() == ModelConfig.Family.GPT2 ? 12 : 9);
        if (needed > tensors.size()) {
            throw new CheckpointException(file, "config " + configFile + " has " + config.layers() + " layers but the file holds only "
                    + tensors.size() + " tensors");
        }
        String prefix = config.family() == ModelConfig.Family.GPT2 && !tensors.containsKey("wte.weight")
                && tensors.containsKey("transformer.wte.weight") ? "transformer." : "";
        Map<String, Checkpoint.Slot> slots = new HashMap<>();
        for (ParameterLayout.Entry p : ParameterLayout.of(config)) {
            HfNames.Stored s = HfNames.of(config, p.name(), prefix);
            Entry e = tensors.get(s.name());
            if (e == null) throw new CheckpointException(file, "missing tensor " + s.name() + " (parameter " + p.name() + ")");
            DType dtype = switch (e.dtype()) {
                case "F32" -> DType.F32;
                case "F16" -> DType.F16;
                case "BF16" -> DType.BF16;
                default -> throw new CheckpointException(file, "tensor " + s.name() + " has dtype " + e.dtype()
                        + "; parameters must be F32, F16 or BF16");
            };
            slots.put(p.name(), new Checkpoint.Slot(s.name(), dtype, e.shape(), e.offset(), s.transform()));
        }
        return Checkpoint.map(file, this, config, slots, metadata);
    }

    private static void readHeader(Path file, Map<String, Entry> tensors, Map<String, Object> metadata) throws IOException {
        JsonNode header;
        long dataStart, dataBytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            HeaderReader r = new HeaderReader(file, channel);
            long length = r.i64("safetensors header length");
            if (length < 2 || length > r.remaining()) {
                throw r.error("safetensors header length " + length + " does not fit the file's " + r.remaining() + " remaining bytes");
            }
            if (length > MAX_HEADER) throw r.error("safetensors header of " + length + " bytes exceeds the 100 MB limit");
            header = parse(file, r.bytes(length, "safetensors header"));
            dataStart = 8 + length;
            dataBytes = r.size() - dataStart;
        }
        if (!header.isObject()) throw new CheckpointException(file, "safetensors header is not a JSON object");
        for (Map.Entry<String, JsonNode> field : header.properties()) {
            String name = field.getKey();
            JsonNode t = field.getValue();
            if (name.equals("__metadata__")) {
                if (!t.isObject()) throw new CheckpointException(file, "__metadata__ is not an object");
                t.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            String what = "tensor " + name;
            if (!t.isObject()) throw new CheckpointException(file, what + " is not described by an object");
            String dtype = t.path("dtype").asText("");
            Integer size = DTYPE_BYTES.get(dtype);
            if (size == null) throw new CheckpointException(file, what + " has unknown dtype '" + t.path("dtype") + "'");
            Shape shape = shape(file, what, t.get("shape"));
            JsonNode offsets = t.get("data_offsets");
            if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong()
                    || !offsets.get(1).canConvertToLong() || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
                throw new CheckpointException(file, what + " has no valid data_offsets [begin, end]: " + offsets);
            }
            long begin = offsets.get(0).longValue(), end = offsets.get(1).longValue();
            if (begin < 0 || begin > end || end > dataBytes) {
                throw new CheckpointException(file, what + " has data_offsets [" + begin + ", " + end + "] outside the "
                        + dataBytes + "-byte data section");
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(shape.numel(), (long) size);
            } catch (ArithmeticException e) {
                throw new CheckpointException(file, what + " shape " + shape + " overflows");
            }
            if (end - begin != bytes) {
                throw new CheckpointException(file, what + " is " + dtype + " " + shape + " (" + bytes + " bytes) but its data_offsets span "
                        + (end - begin));
            }
            if (tensors.put(name, new Entry(dtype, shape, dataStart + begin)) != null) {
                throw new CheckpointException(file, what + " appears twice");
            }
        }
    }

    private static Shape shape(Path file, String what, JsonNode node) throws CheckpointException {
        if (node == null || !node.isArray() || node.size() > 8) throw new CheckpointException(file, what + " has no valid shape: " + node);
        int[] dims = new int[node.size()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new CheckpointException(file, what + " has an invalid extent in shape " + node);
            }
            dims[i] = d.intValue();
            try {
                numel = Math.multiplyExact(numel, dims[i]);
            } catch (ArithmeticException e) {
                throw new CheckpointException(file, what + " shape " + node + " overflows");
            }
        }
        return Shape.of(dims);
    }

    private static JsonNode parse(Path file, byte[] json) throws CheckpointException {
        try {
            return JSON.readTree(json);
        } catch (JacksonException e) {
            throw new CheckpointException(file, "malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CheckpointException(file, "unreadable JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(Path file, long limit) throws IOException {
        if (!Files.isRegularFile(file)) throw new CheckpointException(file, "missing (safetensors needs its config.json)");
        long size = Files.size(file);
        if (size > limit) throw new CheckpointException(file, "is " + size + " bytes, more than a config can be");
        JsonNode node = parse(file, Files.readAllBytes(file));
        if (node == null || node.isMissingNode()) throw new CheckpointException(file, "is empty");
        return node;
    }

    /** Writes F32 {@code model.safetensors} and {@code config.json} into folder {@code dir}. */
    @Override
    public void save(Path dir, ModelConfig config, ParameterSource source) throws IOException {
        save(dir, config, source, DType.F32);
    }

    /** Writes {@code model.safetensors} ({@code dtype} F32, F16 or BF16) and {@code config.json} into folder {@code dir}. */
    public void save(Path dir, ModelConfig config, ParameterSource source, DType dtype) throws IOException {
        String dtypeName = switch (dtype) {
            case F32 -> "F32";
            case F16 -> "F16";
            case BF16 -> "BF16";
            default -> throw new IllegalArgumentException("safetensors parameters are written as F32, F16 or BF16, not " + dtype);
        };
        List<ParameterLayout.Entry> layout = ParameterLayout.of(config);
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (ParameterLayout.Entry p : layout) {
            HfNames.Stored s = HfNames.of(config, p.name(), "");
            long bytes = dtype.byteSize(p.shape().numel());
            ObjectNode t = header.putObject(s.name()).put("dtype", dtypeName);
            var dims = t.putArray("shape");
            for (int d : s.transform().storedShape(p.shape()).dims()) dims.add(d);
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // the data section starts 8-byte aligned
        byte[] headerBytes = (new String(json, StandardCharsets.UTF_8) + " ".repeat(padded - json.length)).getBytes(StandardCharsets.UTF_8);
        try (AtomicFile out = new AtomicFile(dir.resolve(MODEL_FILE))) {
            out.i64(headerBytes.length);
            out.bytes(headerBytes);
            for (ParameterLayout.Entry p : layout) {
                float[] values = source.values(p.name());
                if (values.length != p.shape().numel()) {
                    throw new IllegalArgumentException(p.name() + ": source gave " + values.length + " values, shape is " + p.shape());
                }
                out.floats(HfNames.of(config, p.name(), "").transform().toStored(values, p.shape()), dtype);
            }
            out.commit();
        }
        try (AtomicFile out = new AtomicFile(dir.resolve(CONFIG_FILE))) {
            out.bytes(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(HfConfig.write(config, JSON.createObjectNode())));
            out.commit();
        }
    }
}
