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
    private final Tensor x, h, qkv, q, k, v, att, lse, hidden, gateUp, act, mean, rstd, logits;
    /** Views of the scratch for the last call's shape. */
    private Views views;
    /** Each layer's keys and values of the last call's cache slots ({@link #cacheViews}): two views a layer, not two a token. */
    private Tensor[] keyViews, valueViews;
    private KvCache viewedCache;
    private int viewedSlot = -1, viewedStreams;

    /**
     * The parameter views a forward reads, and the weights as packed for a batch ({@link #product}:
     * by identity; empty when not packing). Packing stacks the weights of products that read the
     * same input: each layer's q, k and v ({@code qkv}, null when not packing), and Llama's gate and
     * up ({@code gateUp}, null for GPT-2): one product of {@code dim + 2 kvDim} or {@code 2 hiddenDim}
     * columns instead of two or three narrow ones, where a stream's row kernel computed repeats of
     * the last panel to keep its chains in flight. Every column is the same chain of products as
     * alone, so the same bits. Immutable, so decoders of one session share them.
     */
    private record Weights(Tensor tokEmb, Tensor posEmb, Tensor normF, Tensor normFBias, Tensor head,
                           LayerWeights[] layers, Map<Tensor, PackedWeight> packed, Stacked[] qkv, Stacked[] gateUp) {
        static Weights of(Decoder model) {
            ParameterStore p = model.parameters();
            ModelConfig c = model.config();
            Backend be = p.backend();
            boolean gpt2 = c.family() == ModelConfig.Family.GPT2;
            Tensor tokEmb = p.value("tok_emb.weight");
            Tensor head = c.tiedHead() ? tokEmb : p.value("head.weight");
            LayerWeights[] layers = new LayerWeights[c.layers()];
            for (int l = 0; l < layers.length; l++) layers[l] = LayerWeights.of(p, c, l);
            Map<Tensor, PackedWeight> packed = new IdentityHashMap<>();
            Stacked[] qkv = null, gateUp = null;
            if (p.size() <= PACK_MAX_FLOATS) {
                qkv = new Stacked[layers.length];
                gateUp = gpt2 ? null : new Stacked[layers.length];
                for (int l = 0; l < layers.length; l++) {
                    LayerWeights lw = layers[l];
                    qkv[l] = new Stacked(be.packWeight(stack(be, lw.q(), lw.k(), lw.v())),
                            lw.qBias() == null ? null : stack(be, lw.qBias(), lw.kBias(), lw.vBias()));
                    if (gateUp != null) gateUp[l] = new Stacked(be.packWeight(stack(be, lw.fc(), lw.up())), null);
                    else packed.put(lw.fc(), be.packWeight(lw.fc()));
                    packed.put(lw.proj(), be.packWeight(lw.proj()));
                    packed.put(lw.down(), be.packWeight(lw.down()));
                }
                packed.put(head, be.packWeight(head));
            }
            return new Weights(tokEmb, gpt2 ? p.value("pos_emb.weight") : null, p.value("ln_f.weight"),
                    gpt2 ? p.value("ln_f.bias") : null, head, layers, packed, qkv, gateUp);
        }

        /**
         * The parts one after another along their first axis: a view where they already lie so in
         * one storage (GPT-2's fused q, k and v weight and bias), else a new tensor.
         */
        private static Tensor stack(Backend be, Tensor... parts) {
            int rows = 0, end = parts[0].offset();
            boolean adjacent = true;
            for (Tensor t : parts) {
                rows += t.dim(0);
                adjacent &= t.storage() == parts[0].storage() && t.isContiguous() && t.offset() == end;
                end = t.offset() + t.size();
            }
            Shape shape = parts[0].shape().with(0, rows);
            if (adjacent) return new Tensor(be, parts[0].storage(), shape, shape.contiguousStrides(), parts[0].offset());
            Tensor out = be.allocate(shape);
            int at = 0;
            for (Tensor t : parts) {
                be.copy(t, out.slice(0, at, at + t.dim(0)));
                at += t.dim(0);
            }
            return out;
        }
    }

    /** Weights stacked along their output axis and packed, and their biases stacked (null without biases). */
    private record Stacked(PackedWeight weight, Tensor bias) {
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
        qkv = b.allocate(Shape.of(rows, c.dim() + 2 * c.kvDim()));
        // Buffers of their own only where the stacked product's slices are not read in place (see views):
        // q and k for rope's several rows (Llama) or separate products, v for separate products.
        boolean stacked = w.qkv() != null;
        q = stacked && gpt2 ? null : b.allocate(Shape.of(rows, c.dim()));
        k = stacked && gpt2 ? null : b.allocate(Shape.of(rows, c.kvDim()));
        v = stacked ? null : b.allocate(Shape.of(rows, c.kvDim()));
        att = b.allocate(Shape.of(rows, c.dim()));
        lse = b.allocate(Shape.of(rows * c.heads()));
        // A stacked gate and up has one buffer; separate products (GPT-2's fc, unstacked gate and up) the other.
        hidden = w.gateUp() == null ? b.allocate(Shape.of(rows, c.hiddenDim())) : null;
        gateUp = w.gateUp() == null ? null : b.allocate(Shape.of(rows, 2 * c.hiddenDim()));
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
            mlp(l, r);
        }
        norm(r.last, w.normF(), w.normFBias(), r.lastNormed, r.lastMean, r.lastRstd);
        product(r.lastNormed, w.head(), null, r.logits, false);
        return r.logits;
    }

    private void attention(int layer, Views r, KvCache cache, int firstSlot, int[] positions) {
        LayerWeights lw = w.layers()[layer];
        norm(r.x, lw.ln1(), lw.ln1Bias(), r.h, r.mean, r.rstd);
        Stacked stacked = w.qkv() == null ? null : w.qkv()[layer];
        if (stacked == null) {
            linear(r.h, lw.q(), lw.qBias(), r.q);
            linear(r.h, lw.k(), lw.kBias(), r.k);
            linear(r.h, lw.v(), lw.vBias(), r.v);
        } else {
            b.linear(r.h, stacked.weight(), stacked.bias(), r.qkv, false);
        }
        if (r.qkHeads != null) { // one row: q and k lie side by side in qkv, one call turns both
            b.rope(r.qkHeads, positions, c.ropeTheta(), r.qkHeads);
        } else if (!gpt2) {
            b.rope(r.qSource, positions, c.ropeTheta(), r.qHeads);
            b.rope(r.kSource, positions, c.ropeTheta(), r.kHeads);
        }
        cache.write(layer, r.cacheRows, r.k, r.v);
        cacheViews(cache, firstSlot, r.streams);
        b.attention(r.q4, keyViews[layer], valueViews[layer], positions, r.att4, r.lse);
        residual(r.att, lw.proj(), lw.projBias(), r.x);
    }

    private void mlp(int layer, Views r) {
        LayerWeights lw = w.layers()[layer];
        norm(r.x, lw.ln2(), lw.ln2Bias(), r.h, r.mean, r.rstd);
        if (gpt2) {
            linear(r.h, lw.fc(), lw.fcBias(), r.hidden);
            b.unary(UnaryOp.GELU_TANH, r.hidden, r.act);
        } else if (w.gateUp() == null) {
            linear(r.h, lw.fc(), null, r.act);
            linear(r.h, lw.up(), null, r.hidden);
            b.binary(BinaryOp.SILU_MUL, r.act, r.hidden, r.act);
        } else { // the gate and up halves of each row, strided when there are several rows
            b.matmul(r.h, w.gateUp()[layer].weight(), r.gateUp, false);
            b.binary(BinaryOp.SILU_MUL, r.gate, r.up, r.act);
        }
        residual(r.act, lw.down(), lw.downBias(), r.x);
    }

    /**
     * The scratch buffers seen as {@code streams x len} rows, in every layout a call needs, and the
     * cache rows those rows' keys go to (refilled each call). Made once per shape (decoding repeats
     * one shape for hundreds of tokens), so a step allocates no views.
     *
     * <p>q, k and v are what attention and the cache write read: slices of the stacked product's rows
     * (rows apart when there are several, which both take), except where rope
     * turns q and k of several rows from those slices ({@code qSource}, {@code kSource}) into buffers
     * of their own, and where separate products write them. One row's q and k heads side by side
     * ({@code qkHeads}) take rope in one call, in place.
     */
    private record Views(int streams, int len, Tensor x, Tensor h, Tensor qkv, Tensor q, Tensor k,
                         Tensor v, Tensor att, Tensor hidden, Tensor gateUp, Tensor gate, Tensor up, Tensor act,
                         Tensor mean, Tensor rstd, Tensor qSource, Tensor kSource, Tensor qHeads, Tensor kHeads,
                         Tensor qkHeads, Tensor q4, Tensor att4,
                         Tensor lse, int[] cacheRows, Tensor last, Tensor lastNormed,
                         Tensor lastMean, Tensor lastRstd, Tensor logits) {
    }

    private Views views(int streams, int len) {
        if (views != null && views.streams == streams && views.len == len) return views;
        int n = streams * len, hd = c.headDim(), d = c.dim(), kv = c.kvDim(), hid = c.hiddenDim();
        Tensor qkvs = rows(qkv, n);
        Tensor[] parts = {columns(qkvs, 0, d), columns(qkvs, d, d + kv), columns(qkvs, d + kv, d + 2 * kv)};
        boolean one = n == 1, stacked = w.qkv() != null;
        boolean qkSliced = one || stacked && gpt2; // attention and the cache read q and k in place
        boolean rotatedApart = stacked && !qkSliced; // rope turns several rows' q and k out of the slices
        Tensor xs = rows(x, n), att4 = rows(att, n), gateUps = gateUp == null ? null : rows(gateUp, n);
        Tensor qs = qkSliced ? parts[0] : rows(q, n), ks = qkSliced ? parts[1] : rows(k, n);
        Tensor vs = one || stacked ? parts[2] : rows(v, n);
        Tensor qHeads = qs.unflatten(1, c.heads(), hd), kHeads = ks.unflatten(1, c.kvHeads(), hd);
        views = new Views(streams, len, xs, rows(h, n), qkvs, qs, ks, vs, att4, rows(hidden, n),
                gateUps, columns(gateUps, 0, hid), columns(gateUps, hid, 2 * hid), rows(act, n), rows(mean, n), rows(rstd, n),
                rotatedApart ? parts[0].unflatten(1, c.heads(), hd) : qHeads, rotatedApart ? parts[1].unflatten(1, c.kvHeads(), hd) : kHeads,
                qHeads, kHeads, one && !gpt2 ? columns(qkvs, 0, d + kv).reshape(1, c.heads() + c.kvHeads(), hd) : null,
                qs.unflatten(0, streams, len).unflatten(2, c.heads(), hd), att4.reshape(streams, len, c.heads(), hd),
                lse.slice(0, 0, n * c.heads()).reshape(streams, c.heads(), len), new int[n],
                len == 1 ? xs : xs.slice(0, n - 1, n), rows(h, streams), rows(mean, streams), rows(rstd, streams),
                rows(logits, streams));
        return views;
    }

    /** Makes {@link #keyViews} and {@link #valueViews} those of slots {@code [firstSlot, firstSlot + streams)} of cache. */
    private void cacheViews(KvCache cache, int firstSlot, int streams) {
        if (cache == viewedCache && firstSlot == viewedSlot && streams == viewedStreams) return;
        int layers = w.layers().length;
        keyViews = new Tensor[layers];
        valueViews = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            keyViews[l] = cache.keys(l, firstSlot, firstSlot + streams);
            valueViews[l] = cache.values(l, firstSlot, firstSlot + streams);
        }
        viewedCache = cache;
        viewedSlot = firstSlot;
        viewedStreams = streams;
    }

    /** Columns {@code [from, to)} of t's rows; null where t is (no stacked gate and up). */
    private static Tensor columns(Tensor t, int from, int to) {
        return t == null ? null : t.slice(1, from, to);
    }

    private void norm(Tensor in, Tensor gamma, Tensor beta, Tensor out, Tensor mean, Tensor rstd) {
        if (gpt2) b.layerNorm(in, gamma, beta, c.normEps(), out, mean, rstd);
        else b.rmsNorm(in, gamma, c.normEps(), out, rstd);
    }

    /** {@code out = in W^T (+ bias)}. */
    private void linear(Tensor in, Tensor weight, Tensor bias, Tensor out) {
        product(in, weight, bias, out, false);
    }

    /** {@code xs += in W^T (+ bias)}: a projection back into the residual stream. */
    private void residual(Tensor in, Tensor weight, Tensor bias, Tensor xs) {
        product(in, weight, bias, xs, true);
    }

    /** {@code out (+)= in W^T (+ bias)}, with W as packed when this session packs. */
    private void product(Tensor in, Tensor weight, Tensor bias, Tensor out, boolean accumulate) {
        PackedWeight pw = w.packed().get(weight);
        if (pw != null) b.linear(in, pw, bias, out, accumulate);
        else b.linear(in, weight, bias, out, accumulate);
    }

    /** The first n rows of buffer; null where buffer is (a buffer this decoder's weights never need). */
    private static Tensor rows(Tensor buffer, int n) {
        return buffer == null ? null : buffer.slice(0, 0, n);
    }
}
