package dev.pmcj.transformer.inference;

import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.PackedWeight;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.tensor.UnaryOp;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.model.ModelConfig;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The decoder's forward without a tape, over a {@link KvCache} and scratch buffers allocated once
 * ({@code rows} rows each). Mirrors {@code model.AttentionBlock} and {@code model.MlpBlock}; the
 * tests hold the two paths to the same logits. Residual projections accumulate straight into the
 * hidden state ({@code matmul(..., accumulate)}). The streams multiply the weights as the backend
 * packed them once ({@link Backend#packWeight}), one stream as well as a batch, so that a stream's
 * tokens do not depend on how many others share its steps; a large model's weights are not held twice.
 */
final class CachedDecoder {
    /** Weights up to this many floats (256 MB) are packed; beyond, their products are large enough without. */
    static final long PACK_MAX_FLOATS = 1L << 26;
    private final Decoder model;
    private final Backend b;
    private final ModelConfig c;
    private final boolean gpt2;
    private final Weights w;
    /** Scratch, {@code [rows, ...]}; a call on n rows uses views of the first n. */
    private final Tensor x, h, q, k, v, att, lse, hidden, act, mean, rstd, logits;
    /** Views of the scratch for the last call's shape. */
    private Views views;

    /**
     * The parameter views a forward reads, and the weights as packed for a batch ({@link #product}:
     * by identity; empty when not packing). Immutable, so decoders of one session share them.
     */
    private record Weights(Tensor tokEmb, Tensor posEmb, Tensor normF, Tensor normFBias, Tensor head,
                           LayerWeights[] layers, Map<Tensor, PackedWeight> packed) {
        static Weights of(Decoder model) {
            ParameterStore p = model.parameters();
            ModelConfig c = model.config();
            boolean gpt2 = c.family() == ModelConfig.Family.GPT2;
            Tensor tokEmb = p.value("tok_emb.weight");
            Tensor head = c.tiedHead() ? tokEmb : p.value("head.weight");
            LayerWeights[] layers = new LayerWeights[c.layers()];
            for (int l = 0; l < layers.length; l++) layers[l] = LayerWeights.of(p, c, l);
            Map<Tensor, PackedWeight> packed = new IdentityHashMap<>();
            if (p.size() <= PACK_MAX_FLOATS) {
                for (LayerWeights lw : layers) {
                    for (Tensor m : new Tensor[] {lw.q(), lw.k(), lw.v(), lw.proj(), lw.fc(), lw.up(), lw.down()}) {
                        if (m != null) packed.put(m, p.backend().packWeight(m));
                    }
                }
                packed.put(head, p.backend().packWeight(head));
            }
            return new Weights(tokEmb, gpt2 ? p.value("pos_emb.weight") : null, p.value("ln_f.weight"),
                    gpt2 ? p.value("ln_f.bias") : null, head, layers, packed);
        }
    }

    /** A decoder for up to {@code maxStreams} streams, packing the weights (up to {@link #PACK_MAX_FLOATS}). */
    CachedDecoder(Decoder model, int rows, int maxStreams) {
        this(model, Weights.of(model), rows, maxStreams);
    }

    /** Another decoder of {@code shared}'s model and weights, with scratch of its own (a group of a batch). */
    CachedDecoder(CachedDecoder shared, int rows, int maxStreams) {
        this(shared.model, shared.w, rows, maxStreams);
    }

    private CachedDecoder(Decoder model, Weights w, int rows, int maxStreams) {
        this.model = model;
        this.w = w;
        b = model.parameters().backend();
        c = model.config();
        gpt2 = c.family() == ModelConfig.Family.GPT2;
        x = b.allocate(Shape.of(rows, c.dim()));
        h = b.allocate(Shape.of(rows, c.dim()));
        q = b.allocate(Shape.of(rows, c.dim()));
        k = b.allocate(Shape.of(rows, c.kvDim()));
        v = b.allocate(Shape.of(rows, c.kvDim()));
        att = b.allocate(Shape.of(rows, c.dim()));
        lse = b.allocate(Shape.of(rows * c.heads()));
        hidden = b.allocate(Shape.of(rows, c.hiddenDim()));
        act = b.allocate(Shape.of(rows, c.hiddenDim()));
        mean = b.allocate(Shape.of(rows));
        rstd = b.allocate(Shape.of(rows));
        logits = b.allocate(Shape.of(maxStreams, c.vocab()));
    }

    /**
     * Feeds {@code streams x len} tokens (row-major) of cache slots {@code firstSlot..}, row r at
     * {@code positions[r]} (consecutive within a stream), and returns the logits {@code [streams, vocab]}
     * after each stream's last token: a view of a buffer the next call overwrites.
     */
    Tensor forward(KvCache cache, int firstSlot, int streams, int len, int[] tokens, int[] positions) {
        Views r = views(streams, len);
        for (int i = 0; i < r.cacheRows.length; i++) r.cacheRows[i] = cache.row(firstSlot + i / len, positions[i]);
        b.embedding(w.tokEmb(), tokens, r.x);
        if (gpt2) {
            b.embedding(w.posEmb(), positions, r.h);
            b.binary(BinaryOp.ADD, r.x, r.h, r.x);
        }
        for (int l = 0; l < w.layers().length; l++) {
            attention(l, r, cache, firstSlot, positions);
            mlp(w.layers()[l], r);
        }
        norm(r.last, w.normF(), w.normFBias(), r.lastNormed, r.lastMean, r.lastRstd);
        product(r.lastNormed, w.head(), r.logits, false);
        return r.logits;
    }

    private void attention(int layer, Views r, KvCache cache, int firstSlot, int[] positions) {
        LayerWeights lw = w.layers()[layer];
        norm(r.x, lw.ln1(), lw.ln1Bias(), r.h, r.mean, r.rstd);
        linear(r.h, lw.q(), lw.qBias(), r.q);
        linear(r.h, lw.k(), lw.kBias(), r.k);
        linear(r.h, lw.v(), lw.vBias(), r.v);
        if (!gpt2) {
            b.rope(r.qHeads, positions, c.ropeTheta(), r.qHeads);
            b.rope(r.kHeads, positions, c.ropeTheta(), r.kHeads);
        }
        cache.write(layer, r.cacheRows, r.k, r.v);
        b.attention(r.q4, cache.keys(layer, firstSlot, firstSlot + r.streams),
                cache.values(layer, firstSlot, firstSlot + r.streams), positions, r.att4, r.lse);
        residual(r.att, lw.proj(), lw.projBias(), r.x);
    }

    private void mlp(LayerWeights lw, Views r) {
        norm(r.x, lw.ln2(), lw.ln2Bias(), r.h, r.mean, r.rstd);
        linear(r.h, lw.fc(), lw.fcBias(), r.hidden);
        if (gpt2) {
            b.unary(UnaryOp.GELU_TANH, r.hidden, r.act);
        } else {
            b.unary(UnaryOp.SILU, r.hidden, r.act);
            linear(r.h, lw.up(), null, r.hidden);
            b.binary(BinaryOp.MUL, r.act, r.hidden, r.act);
        }
        residual(r.act, lw.down(), lw.downBias(), r.x);
    }

    /**
     * The scratch buffers seen as {@code streams x len} rows, in every layout a call needs, and the
     * cache rows those rows' keys go to (refilled each call). Made once per shape (decoding repeats
     * one shape for hundreds of tokens), so a step allocates no views.
     */
    private record Views(int streams, int len, Tensor x, Tensor h, Tensor q, Tensor k, Tensor v, Tensor att,
                         Tensor hidden, Tensor act, Tensor mean, Tensor rstd, Tensor qHeads, Tensor kHeads,
                         Tensor q4, Tensor att4,
                         Tensor lse, int[] cacheRows, Tensor last, Tensor lastNormed,
                         Tensor lastMean, Tensor lastRstd, Tensor logits) {
    }

    private Views views(int streams, int len) {
        if (views != null && views.streams == streams && views.len == len) return views;
        int n = streams * len, hd = c.headDim();
        Tensor xs = rows(x, n), qs = rows(q, n), ks = rows(k, n), vs = rows(v, n), att4 = rows(att, n);
        views = new Views(streams, len, xs, rows(h, n), qs, ks, vs, att4, rows(hidden, n), rows(act, n),
                rows(mean, n), rows(rstd, n), qs.reshape(n, c.heads(), hd), ks.reshape(n, c.kvHeads(), hd),
                qs.reshape(streams, len, c.heads(), hd), att4.reshape(streams, len, c.heads(), hd),
                lse.slice(0, 0, n * c.heads()).reshape(streams, c.heads(), len), new int[n],
                len == 1 ? xs : xs.slice(0, n - 1, n), rows(h, streams), rows(mean, streams), rows(rstd, streams),
                rows(logits, streams));
        return views;
    }

    private void norm(Tensor in, Tensor gamma, Tensor beta, Tensor out, Tensor mean, Tensor rstd) {
        if (gpt2) b.layerNorm(in, gamma, beta, c.normEps(), out, mean, rstd);
        else b.rmsNorm(in, gamma, c.normEps(), out, rstd);
    }

    /** {@code out = in W^T (+ bias)}. */
    private void linear(Tensor in, Tensor weight, Tensor bias, Tensor out) {
        product(in, weight, out, false);
        if (bias != null) b.binary(BinaryOp.ADD, out, bias, out);
    }

    /** {@code xs += in W^T (+ bias)}: a projection back into the residual stream. */
    private void residual(Tensor in, Tensor weight, Tensor bias, Tensor xs) {
        product(in, weight, xs, true);
        if (bias != null) b.binary(BinaryOp.ADD, xs, bias, xs);
    }

    /** {@code out (+)= in W^T}, with W as packed when this session packs. */
    private void product(Tensor in, Tensor weight, Tensor out, boolean accumulate) {
        PackedWeight pw = w.packed().get(weight);
        if (pw != null) b.matmul(in, pw, out, accumulate);
        else b.matmul(in, false, weight, true, out, accumulate);
    }

    private static Tensor rows(Tensor buffer, int n) {
        return buffer.slice(0, 0, n);
    }
}
