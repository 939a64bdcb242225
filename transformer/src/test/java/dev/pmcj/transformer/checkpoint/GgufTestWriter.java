package dev.pmcj.transformer.checkpoint;

import dev.pmcj.tensor.Shape;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.model.ParameterLayout;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds GGUF files for tests: metadata of every value type, tensors stored as F32, F16, BF16 or Q8_0
 * (quantized like ggml's reference {@code quantize_row_q8_0}). {@link #expected} gives the float32 values a
 * correct reader must produce for what was actually stored.
 */
final class GgufTestWriter {
    static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
            STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;

    private record Tensor(String name, long[] dims, int type, byte[] data) {
    }

    private final ByteArrayOutputStream kv = new ByteArrayOutputStream();
    private int kvCount;
    private final List<Tensor> tensors = new ArrayList<>();
    private int version = 3;
    private int alignment = GgufHeader.DEFAULT_ALIGNMENT;

    GgufTestWriter version(int v) {
        version = v;
        return this;
    }

    /** Sets general.alignment (a UINT32 key) and uses it for the data layout. */
    GgufTestWriter alignment(int a) {
        alignment = a;
        return put("general.alignment", UINT32, le(4).putInt(a));
    }

    GgufTestWriter string(String key, String value) {
        return put(key, STRING, str(value));
    }

    GgufTestWriter u32(String key, int value) {
        return put(key, UINT32, le(4).putInt(value));
    }

    GgufTestWriter f32(String key, float value) {
        return put(key, FLOAT32, le(4).putFloat(value));
    }

    /** A raw key/value: {@code type} and its already encoded value bytes. */
    GgufTestWriter put(String key, int type, ByteBuffer value) {
        kv.writeBytes(str(key).array());
        kv.writeBytes(le(4).putInt(type).array());
        kv.writeBytes(value.array());
        kvCount++;
        return this;
    }

    /** A tensor of model shape {@code shape} (row-major) stored as ggml {@code type}. */
    GgufTestWriter tensor(String name, Shape shape, int type, float[] values) {
        long[] dims = new long[shape.rank()];
        for (int i = 0; i < dims.length; i++) dims[i] = shape.dim(dims.length - 1 - i);
        tensors.add(new Tensor(name, dims, type, encode(values, type)));
        return this;
    }

    /** Replaces a tensor's stored type and bytes with hand-made ones (same name and extents). */
    GgufTestWriter replaceRaw(String name, int type, byte[] data) {
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.name().equals(name)) {
                tensors.set(i, new Tensor(name, t.dims(), type, data));
                return this;
            }
        }
        throw new IllegalArgumentException("no tensor " + name);
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(24).putInt(GgufFormat.MAGIC).putInt(version).putLong(tensors.size()).putLong(kvCount).array());
        out.writeBytes(kv.toByteArray());
        long offset = 0;
        for (Tensor t : tensors) {
            out.writeBytes(str(t.name()).array());
            ByteBuffer info = le(4 + 8 * t.dims().length + 4 + 8).putInt(t.dims().length);
            for (long d : t.dims()) info.putLong(d);
            out.writeBytes(info.putInt(t.type()).putLong(offset).array());
            offset = align(offset + t.data().length);
        }
        out.writeBytes(new byte[(int) (align(out.size()) - out.size())]);
        for (int i = 0; i < tensors.size(); i++) {
            byte[] d = tensors.get(i).data();
            out.writeBytes(d);
            // pad between tensors only: the last tensor ends the file, so any truncation cuts into it
            if (i < tensors.size() - 1) out.writeBytes(new byte[(int) (align(d.length) - d.length)]);
        }
        return out.toByteArray();
    }

    private long align(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    static ByteBuffer str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return le(8 + b.length).putLong(b.length).put(b);
    }

    static byte[] encode(float[] values, int type) {
        return switch (type) {
            case GgufFormat.GGML_F32 -> {
                ByteBuffer b = le(4 * values.length);
                for (float v : values) b.putFloat(v);
                yield b.array();
            }
            case GgufFormat.GGML_F16 -> {
                ByteBuffer b = le(2 * values.length);
                for (float v : values) b.putShort(Float.floatToFloat16(v));
                yield b.array();
            }
            case GgufFormat.GGML_BF16 -> {
                ByteBuffer b = le(2 * values.length);
                for (float v : values) b.putShort((short) (Float.floatToRawIntBits(v) >>> 16)); // truncation, as a writer may do
                yield b.array();
            }
            case GgufFormat.GGML_Q8_0 -> {
                ByteBuffer b = le(values.length / 32 * 34);
                for (int blk = 0; blk < values.length / 32; blk++) {
                    float amax = 0;
                    for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(values[blk * 32 + i]));
                    float d = amax / 127, id = d != 0 ? 1 / d : 0;
                    b.putShort(Float.floatToFloat16(d));
                    for (int i = 0; i < 32; i++) b.put((byte) Math.round(values[blk * 32 + i] * id));
                }
                yield b.array();
            }
            default -> new byte[values.length * 4]; // unsupported types: the reader must refuse them by type
        };
    }

    /** What a reader must return for {@code values} stored as {@code type}, decoded by hand from the stored bytes. */
    static float[] expected(float[] values, int type) {
        byte[] stored = encode(values, type);
        ByteBuffer b = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (type) {
                case GgufFormat.GGML_F32 -> b.getFloat(4 * i);
                case GgufFormat.GGML_F16 -> Float.float16ToFloat(b.getShort(2 * i));
                case GgufFormat.GGML_BF16 -> Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16);
                case GgufFormat.GGML_Q8_0 -> Float.float16ToFloat(b.getShort(i / 32 * 34)) * stored[i / 32 * 34 + 2 + i % 32];
                default -> throw new IllegalArgumentException("type " + type);
            };
        }
        return out;
    }

    /** A llama-architecture GGUF of {@code c}: 2-D weights as {@code type}, norms as F32, like llama.cpp. */
    static GgufTestWriter llama(ModelConfig c, Map<String, float[]> values, int type) {
        GgufTestWriter w = new GgufTestWriter()
                .string("general.architecture", "llama")
                .string("general.name", "test model")
                .u32("llama.block_count", c.layers())
                .u32("llama.embedding_length", c.dim())
                .u32("llama.feed_forward_length", c.hiddenDim())
                .u32("llama.attention.head_count", c.heads())
                .u32("llama.attention.head_count_kv", c.kvHeads())
                .u32("llama.context_length", c.context())
                .u32("llama.rope.dimension_count", c.headDim())
                .f32("llama.rope.freq_base", c.ropeTheta())
                .f32("llama.attention.layer_norm_rms_epsilon", c.normEps());
        for (ParameterLayout.Entry e : ParameterLayout.of(c)) {
            w.tensor(ggufName(e.name()), e.shape(), e.shape().rank() == 2 ? type : GgufFormat.GGML_F32, values.get(e.name()));
        }
        return w;
    }

    static String ggufName(String modelName) {
        return switch (modelName) {
            case "tok_emb.weight" -> "token_embd.weight";
            case "ln_f.weight" -> "output_norm.weight";
            case "head.weight" -> "output.weight";
            default -> {
                String[] p = modelName.split("\\.", 3);
                String rest = switch (p[2]) {
                    case "ln1.weight" -> "attn_norm.weight";
                    case "attn.q.weight" -> "attn_q.weight";
                    case "attn.k.weight" -> "attn_k.weight";
                    case "attn.v.weight" -> "attn_v.weight";
                    case "attn.proj.weight" -> "attn_output.weight";
                    case "ln2.weight" -> "ffn_norm.weight";
                    case "mlp.gate.weight" -> "ffn_gate.weight";
                    case "mlp.up.weight" -> "ffn_up.weight";
                    case "mlp.down.weight" -> "ffn_down.weight";
                    default -> throw new IllegalArgumentException(modelName);
                };
                yield "blk." + p[1] + "." + rest;
            }
        };
    }
}
