package dev.pmcj.transformer.model;

import dev.pmcj.autograd.Ops;
import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A decoder-only transformer of either family (see {@link ModelConfig}) over the parameters of a
 * {@link ParameterStore} laid out by {@link ParameterLayout}. This is the training forward: every op
 * is recorded on the caller's tape. {@code inference.InferenceSession} runs the same model with a KV
 * cache and no tape.
 */
public final class Decoder {
    private static final float INIT_STD = 0.02f;

    private final ModelConfig config;
    private final ParameterStore params;
    private final List<AttentionBlock> attention = new ArrayList<>();
    private final List<MlpBlock> mlp = new ArrayList<>();

    public Decoder(ModelConfig config, ParameterStore params) {
        if (config.family() == ModelConfig.Family.GPT2 && config.kvHeads() != config.heads()) {
            throw new IllegalArgumentException("Decoder: GPT-2 has no grouped KV heads, got heads " + config.heads()
                    + " and kvHeads " + config.kvHeads());
        }
        for (ParameterLayout.Entry e : ParameterLayout.of(config)) {
            if (!params.contains(e.name()) || !params.shape(e.name()).equals(e.shape())) {
                throw new IllegalArgumentException("Decoder: parameter " + e.name() + " must have shape " + e.shape()
                        + ", store has " + (params.contains(e.name()) ? params.shape(e.name()) : "none"));
            }
        }
        this.config = config;
        this.params = params;
        for (int i = 0; i < config.layers(); i++) {
            attention.add(new AttentionBlock(config, i));
            mlp.add(new MlpBlock(config, i));
        }
    }

    /** A zeroed store declaring {@link ParameterLayout#of} in order. */
    public static ParameterStore newParameters(ModelConfig c, Backend b) {
        ParameterStore.Builder builder = ParameterStore.builder(b);
        for (ParameterLayout.Entry e : ParameterLayout.of(c)) builder.add(e.name(), e.shape());
        return builder.build();
    }

    /**
     * GPT-2's initialisation: weights N(0, 0.02), the projections that write into the residual
     * stream N(0, 0.02 / sqrt(2 * layers)), norm gains 1, biases 0. Deterministic in {@code seed}.
     */
    public void initialize(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float residualStd = (float) (INIT_STD / Math.sqrt(2.0 * config.layers()));
        for (String name : params.names()) {
            Shape shape = params.shape(name);
            float[] values = new float[shape.size()];
            if (isNormGain(name)) {
                Arrays.fill(values, 1f);
            } else if (!name.endsWith(".bias")) {
                float std = isResidualProjection(name) ? residualStd : INIT_STD;
                for (int i = 0; i < values.length; i++) values[i] = (float) (rng.nextGaussian() * std);
            }
            params.backend().fromHost(values, params.value(name));
        }
    }

    private static boolean isNormGain(String name) {
        return name.endsWith(".weight") && (name.contains(".ln") || name.startsWith("ln_"));
    }

    private static boolean isResidualProjection(String name) {
        return name.endsWith("attn.proj.weight") || name.endsWith("mlp.proj.weight") || name.endsWith("mlp.down.weight");
    }

    public ModelConfig config() {
        return config;
    }

    public ParameterStore parameters() {
        return params;
    }

    /** Logits {@code [batch*seqLen, vocab]} of row-major tokens {@code [batch, seqLen]} at positions 0..seqLen-1. */
    public Var logits(Tape t, int[] tokens, int batch, int seqLen) {
        if (batch <= 0 || seqLen <= 0 || tokens.length != batch * seqLen) {
            throw new IllegalArgumentException("Decoder.logits: " + tokens.length + " tokens for batch " + batch
                    + " x seqLen " + seqLen);
        }
        if (seqLen > config.context()) {
            throw new IllegalArgumentException("Decoder.logits: seqLen " + seqLen + " exceeds the context " + config.context());
        }
        int[] positions = new int[tokens.length];
        for (int i = 0; i < positions.length; i++) positions[i] = i % seqLen;
        Var x = Ops.embedding(t, params.get("tok_emb.weight"), tokens);
        if (config.family() == ModelConfig.Family.GPT2) {
            x = Ops.add(t, x, Ops.embedding(t, params.get("pos_emb.weight"), positions));
        }
        for (int i = 0; i < config.layers(); i++) {
            x = attention.get(i).forward(t, params, x, batch, seqLen, positions);
            x = mlp.get(i).forward(t, params, x);
        }
        Var h = Norm.apply(t, config, params, "ln_f", x);
        return Ops.linear(t, h, params.get(config.tiedHead() ? "tok_emb.weight" : "head.weight"), null);
    }

    /** Per-position cross-entropy {@code [batch*seqLen]}; 0 where the target is masked. */
    public Var tokenLosses(Tape t, Batch batch, float labelSmoothing) {
        Var logits = logits(t, batch.tokens(), batch.batch(), batch.seqLen());
        return Ops.crossEntropy(t, logits, batch.targets(), labelSmoothing);
    }

    /** Mean cross-entropy over the unmasked positions, as a one-element Var. */
    public Var meanLoss(Tape t, Batch batch, float labelSmoothing) {
        int count = batch.unmaskedCount();
        if (count == 0) throw new IllegalArgumentException("Decoder.meanLoss: every target of the batch is masked");
        return Ops.affine(t, Ops.sumAll(t, tokenLosses(t, batch, labelSmoothing)), 1f / count, 0f);
    }
}
