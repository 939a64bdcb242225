package dev.pmcj.transformer.checkpoint;

import dev.pmcj.tensor.DType;
import dev.pmcj.tensor.DTypes;
import dev.pmcj.tensor.Shape;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.model.ParameterLayout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * GGUF v2/v3 (llama.cpp), read only: architecture {@code llama}, tensors F32, F16, BF16 or Q8_0.
 * GGUF lists extents fastest-first, so {@code [in, out]} there is the model's {@code [out, in]}. llama.cpp's
 * converters store q/k rows in the interleaved (Meta) rotary order its rope expects (convert_hf_to_gguf.py
 * undoes Hugging Face's half-split permutation), which is the model's order: no permutation on read.
 */
public record GgufFormat() implements CheckpointFormat {
    /** "GGUF" read as a little-endian int. */
    static final int MAGIC = 0x46554747;
    /** ggml type ids this reader converts. */
    static final int GGML_F32 = 0, GGML_F16 = 1, GGML_Q8_0 = 8, GGML_BF16 = 30;
    private static final String[] GGML_NAMES = {"F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1",
            "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S",
            "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16"};

    private static final Map<String, String> BLOCK = Map.of(
            "attn_norm.weight", "ln1.weight", "attn_q.weight", "attn.q.weight", "attn_k.weight", "attn.k.weight",
            "attn_v.weight", "attn.v.weight", "attn_output.weight", "attn.proj.weight", "ffn_norm.weight", "ln2.weight",
            "ffn_gate.weight", "mlp.gate.weight", "ffn_up.weight", "mlp.up.weight", "ffn_down.weight", "mlp.down.weight");

    @Override
    public String name() {
        return "gguf";
    }

    @Override
    public Checkpoint open(Path path) throws IOException {
        GgufHeader h = GgufHeader.read(path);
        ModelConfig config = config(path, h);
        Map<String, Checkpoint.Slot> slots = new HashMap<>();
        for (GgufHeader.TensorInfo t : h.tensors().values()) {
            if (t.offset() > h.fileSize() - h.dataStart()) {
                throw new CheckpointException(path, "tensor " + t.name() + " starts at data offset " + t.offset()
                        + ", past the end of the " + (h.fileSize() - h.dataStart()) + "-byte data section");
            }
            String name = modelName(t.name());
            if (name == null) continue; // a tensor the model does not use (its type may be one we cannot size)
            DType dtype = dtype(path, t);
            int[] dims = new int[t.dims().length];
            for (int i = 0; i < dims.length; i++) dims[i] = (int) t.dims()[dims.length - 1 - i];
            Shape shape = Shape.of(dims);
            if (dtype == DType.Q8_0 && dims[dims.length - 1] % DTypes.Q8_0_BLOCK != 0) {
                throw new CheckpointException(path, "tensor " + t.name() + " is Q8_0 but its rows of " + dims[dims.length - 1]
                        + " are not whole blocks of 32");
            }
            long bytes;
            try {
                long numel = 1;
                for (long d : t.dims()) numel = Math.multiplyExact(numel, d);
                bytes = dtype.byteSize(numel);
            } catch (ArithmeticException e) {
                throw new CheckpointException(path, "tensor " + t.name() + " shape " + shape + " overflows");
            }
            if (bytes > h.fileSize() - h.dataStart() - t.offset()) {
                throw new CheckpointException(path, "tensor " + t.name() + " (" + bytes + " bytes at data offset " + t.offset()
                        + ") runs past the end of the " + (h.fileSize() - h.dataStart()) + "-byte data section");
            }
            slots.put(name, new Checkpoint.Slot(t.name(), dtype, shape, h.dataStart() + t.offset(), Transform.IDENTITY));
        }
        for (ParameterLayout.Entry e : ParameterLayout.of(config)) {
            if (!slots.containsKey(e.name())) throw new CheckpointException(path, "missing tensor " + ggufName(e.name()) + " (parameter " + e.name() + ")");
        }
        return Checkpoint.map(path, this, config, slots, h.metadata());
    }

    private static DType dtype(Path path, GgufHeader.TensorInfo t) throws CheckpointException {
        return switch (t.type()) {
            case GGML_F32 -> DType.F32;
            case GGML_F16 -> DType.F16;
            case GGML_BF16 -> DType.BF16;
            case GGML_Q8_0 -> DType.Q8_0;
            default -> throw new CheckpointException(path, "tensor " + t.name() + " has ggml type "
                    + (t.type() >= 0 && t.type() < GGML_NAMES.length ? GGML_NAMES[t.type()] + " (" + t.type() + ")" : "id " + t.type())
                    + "; supported: F32, F16, BF16, Q8_0");
        };
    }

    /** The model name of GGUF tensor {@code name}, or null for tensors the model does not use. */
    static String modelName(String name) {
        switch (name) {
            case "token_embd.weight": return "tok_emb.weight";
            case "output_norm.weight": return "ln_f.weight";
            case "output.weight": return "head.weight";
            default:
        }
        if (!name.startsWith("blk.")) return null;
        int dot = name.indexOf('.', 4);
        if (dot < 0) return null;
        String rest = BLOCK.get(name.substring(dot + 1));
        String layer = name.substring(4, dot);
        return rest == null || !layer.matches("0|[1-9][0-9]{0,8}") ? null : "blocks." + layer + "." + rest;
    }

    private static String ggufName(String modelName) {
        switch (modelName) {
            case "tok_emb.weight": return "token_embd.weight";
            case "ln_f.weight": return "output_norm.weight";
            case "head.weight": return "output.weight";
            default:
        }
        int dot = modelName.indexOf('.', "blocks.".length());
        String rest = modelName.substring(dot + 1);
        String stored = BLOCK.entrySet().stream().filter(e -> e.getValue().equals(rest)).findFirst().orElseThrow().getKey();
        return "blk." + modelName.substring("blocks.".length(), dot) + "." + stored;
    }

    private static ModelConfig config(Path path, GgufHeader h) throws CheckpointException {
        Object arch = h.metadata().get("general.architecture");
        if (!"llama".equals(arch)) throw new CheckpointException(path, "general.architecture is " + arch + "; only llama is supported");
        GgufHeader.TensorInfo embedding = h.tensors().get("token_embd.weight");
        if (embedding == null || embedding.dims().length != 2) throw new CheckpointException(path, "no 2-D token_embd.weight tensor");
        int heads = integer(path, h, "llama.attention.head_count", null);
        int layers = integer(path, h, "llama.block_count", null);
        if (layers > h.tensors().size()) {
            throw new CheckpointException(path, "llama.block_count " + layers + " exceeds the " + h.tensors().size() + " tensors in the file");
        }
        int dim = integer(path, h, "llama.embedding_length", null);
        if (h.metadata().containsKey("llama.rope.dimension_count") && heads > 0
                && integer(path, h, "llama.rope.dimension_count", null) != dim / heads) {
            throw new CheckpointException(path, "llama.rope.dimension_count differs from the head size: partial rotary is not supported");
        }
        try {
            return new ModelConfig(ModelConfig.Family.LLAMA, layers, dim, integer(path, h, "llama.feed_forward_length", null),
                    heads, integer(path, h, "llama.attention.head_count_kv", heads), (int) embedding.dims()[1],
                    integer(path, h, "llama.context_length", null),
                    number(path, h, "llama.attention.layer_norm_rms_epsilon", 1e-5f), number(path, h, "llama.rope.freq_base", 10000f),
                    !h.tensors().containsKey("output.weight"));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, "metadata describes no valid model: " + e.getMessage());
        }
    }

    private static int integer(Path path, GgufHeader h, String key, Integer fallback) throws CheckpointException {
        Object v = h.metadata().get(key);
        if (v == null && fallback != null) return fallback;
        if (v == null) throw new CheckpointException(path, "missing metadata " + key);
        if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() >= 0 && ((Number) v).longValue() <= Integer.MAX_VALUE) {
            return ((Number) v).intValue();
        }
        throw new CheckpointException(path, "metadata " + key + " = " + v + " is not a non-negative 32-bit integer");
    }

    private static float number(Path path, GgufHeader h, String key, float fallback) throws CheckpointException {
        Object v = h.metadata().get(key);
        if (v == null) return fallback;
        if (v instanceof Float || v instanceof Double) return ((Number) v).floatValue();
        throw new CheckpointException(path, "metadata " + key + " = " + v + " is not a float");
    }
}
