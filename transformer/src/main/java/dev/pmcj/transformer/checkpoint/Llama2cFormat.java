package dev.pmcj.transformer.checkpoint;

import dev.pmcj.tensor.DType;
import dev.pmcj.tensor.Shape;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.model.ParameterLayout;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Karpathy's llama2.c legacy {@code .bin}: seven int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads,
 * vocab_size, seq_len; a negative vocab means an untied head), then float32 tensors grouped by kind across
 * layers, the rotary tables (skipped), and the head when untied. Norm epsilon 1e-5 and theta 10000 are implied.
 */
public record Llama2cFormat() implements WritableFormat {
    static final int HEADER_BYTES = 7 * 4;
    private static final float EPS = 1e-5f;
    private static final float THETA = 10000f;
    /** Magic of llama2.c's newer "version 1/2" exports, which this reader does not take. */
    private static final int VERSIONED_MAGIC = 0x616b3432;

    @Override
    public String name() {
        return "llama2.c";
    }

    /** One run of float32 values in the file; {@code name == null} is the rotary table. */
    private record Piece(String name, long floats) {
    }

    private static List<Piece> pieces(ModelConfig c) {
        Map<String, Shape> shapes = new HashMap<>();
        for (ParameterLayout.Entry e : ParameterLayout.of(c)) shapes.put(e.name(), e.shape());
        List<Piece> out = new ArrayList<>();
        out.add(new Piece("tok_emb.weight", shapes.get("tok_emb.weight").numel()));
        for (String kind : List.of("ln1.weight", "attn.q.weight", "attn.k.weight", "attn.v.weight", "attn.proj.weight",
                "ln2.weight", "mlp.gate.weight", "mlp.down.weight", "mlp.up.weight")) {
            for (int i = 0; i < c.layers(); i++) {
                String name = ParameterLayout.block(i, kind);
                out.add(new Piece(name, shapes.get(name).numel()));
            }
        }
        out.add(new Piece("ln_f.weight", c.dim()));
        out.add(new Piece(null, (long) c.context() * c.headDim())); // freq_cis_real and _imag, [seq, head/2] each
        if (!c.tiedHead()) out.add(new Piece("head.weight", shapes.get("head.weight").numel()));
        return out;
    }

    @Override
    public Checkpoint open(Path path) throws IOException {
        ModelConfig config;
        long size;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            HeaderReader r = new HeaderReader(path, channel);
            size = r.size();
            r.require(HEADER_BYTES, "llama2.c header");
            int[] h = new int[7];
            for (int i = 0; i < h.length; i++) h[i] = r.i32("llama2.c header");
            if (h[0] == VERSIONED_MAGIC) {
                throw new CheckpointException(path, "llama2.c versioned export (magic ak42) is not supported; export with the legacy format");
            }
            config = config(path, h);
        }
        long expected = expectedBytes(path, config);
        if (expected != size) {
            throw new CheckpointException(path, "read as llama2.c, header (" + describe(config) + ") implies " + expected
                    + " bytes but the file has " + size);
        }
        Map<String, Checkpoint.Slot> slots = new HashMap<>();
        Map<String, Shape> shapes = new HashMap<>();
        for (ParameterLayout.Entry e : ParameterLayout.of(config)) shapes.put(e.name(), e.shape());
        long offset = HEADER_BYTES;
        for (Piece p : pieces(config)) {
            if (p.name() != null) {
                slots.put(p.name(), new Checkpoint.Slot(p.name(), DType.F32, shapes.get(p.name()), offset, Transform.IDENTITY));
            }
            offset += p.floats() * 4;
        }
        return Checkpoint.map(path, this, config, slots, Map.of());
    }

    /** The file size the header implies, computed without building anything (the header may be hostile). */
    private static long expectedBytes(Path path, ModelConfig c) throws CheckpointException {
        try {
            long d = c.dim(), perLayer = Math.addExact(Math.multiplyExact(2 * d, d + c.kvDim()),
                    Math.addExact(2 * d, Math.multiplyExact(3 * d, c.hiddenDim())));
            long floats = Math.addExact(Math.multiplyExact(c.tiedHead() ? 1L : 2L, Math.multiplyExact(c.vocab(), d)),
                    Math.addExact(Math.multiplyExact(c.layers(), perLayer), d + (long) c.context() * c.headDim()));
            return Math.addExact(HEADER_BYTES, Math.multiplyExact(floats, 4L));
        } catch (ArithmeticException e) {
            throw new CheckpointException(path, "llama2.c header (" + describe(c) + ") implies more than 2^63 bytes");
        }
    }

    private static ModelConfig config(Path path, int[] h) throws CheckpointException {
        int dim = h[0], hidden = h[1], layers = h[2], heads = h[3], kvHeads = h[4], vocab = h[5], seq = h[6];
        if (vocab == Integer.MIN_VALUE || vocab == 0) throw new CheckpointException(path, "llama2.c header has vocab_size " + vocab);
        try {
            return ModelConfig.llama(layers, dim, hidden, heads, kvHeads, Math.abs(vocab), seq, vocab > 0);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, "read as llama2.c, header (dim " + dim + ", hidden_dim " + hidden + ", n_layers "
                    + layers + ", n_heads " + heads + ", n_kv_heads " + kvHeads + ", vocab_size " + vocab + ", seq_len "
                    + seq + ") is invalid: " + e.getMessage());
        }
    }

    private static String describe(ModelConfig c) {
        return "dim " + c.dim() + ", hidden_dim " + c.hiddenDim() + ", n_layers " + c.layers() + ", n_heads " + c.heads()
                + ", n_kv_heads " + c.kvHeads() + ", vocab_size " + (c.tiedHead() ? c.vocab() : -c.vocab())
                + ", seq_len " + c.context();
    }

    /** Writes a legacy llama2.c file (Llama family, eps 1e-5, theta 10000 only: the format stores neither). */
    @Override
    public void save(Path path, ModelConfig c, ParameterSource source) throws IOException {
        if (c.family() != ModelConfig.Family.LLAMA || c.normEps() != EPS || c.ropeTheta() != THETA) {
            throw new IllegalArgumentException("llama2.c .bin holds only Llama models with eps 1e-5 and theta 10000, got " + c);
        }
        try (AtomicFile out = new AtomicFile(path)) {
            for (int v : new int[]{c.dim(), c.hiddenDim(), c.layers(), c.heads(), c.kvHeads(),
                    c.tiedHead() ? c.vocab() : -c.vocab(), c.context()}) {
                out.i32(v);
            }
            for (Piece p : pieces(c)) {
                float[] values = p.name() == null ? rotaryTable(c) : source.values(p.name());
                if (values.length != p.floats()) {
                    throw new IllegalArgumentException(p.name() + ": source gave " + values.length + " values, layout needs " + p.floats());
                }
                out.floats(values, DType.F32);
            }
            out.commit();
        }
    }

    /**
     * llama2.c's freq_cis_real then freq_cis_imag: cos and sin of {@code pos / theta^(2i/headDim)}, with the
     * angle rounded to float32 at each step as its PyTorch exporter computes it (so large positions agree).
     */
    private static float[] rotaryTable(ModelConfig c) {
        int half = c.headDim() / 2, seq = c.context();
        float[] out = new float[2 * seq * half];
        for (int pos = 0; pos < seq; pos++) {
            for (int i = 0; i < half; i++) {
                float freq = 1f / (float) Math.pow(THETA, (float) (2 * i) / c.headDim());
                float angle = pos * freq;
                out[pos * half + i] = (float) Math.cos(angle);
                out[seq * half + pos * half + i] = (float) Math.sin(angle);
            }
        }
        return out;
    }
}
