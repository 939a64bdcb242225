package dev.pmcj.transformer.inference;

import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.tensor.UnaryOp;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.model.ModelConfig;

/**
 * The decoder's forward without a tape, over a {@link KvCache} and scratch buffers allocated once
 * ({@code rows} rows each). Mirrors {@code model.AttentionBlock} and {@code model.MlpBlock}; the
 * tests hold the two paths to the same logits. Residual projections accumulate straight into the
 * hidden state ({@code matmul(..., accumulate)}).
 */
final class CachedDecoder {
    private final Backend b;
    private final ModelConfig c;
    private final boolean gpt2;
    private final Tensor tokEmb, posEmb, normF, normFBias, head;
    private final LayerWeights[] layers;
    /** Scratch, {@code [rows, ...]}; a call on n rows uses views of the first n. */
    private final Tensor x, h, qkv, q, k, v, att, lse, hidden, act, mean, rstd, logits;

    CachedDecoder(Decoder model, int rows, int maxStreams) {
        ParameterStore p = model.parameters();
        b = p.backend();
        c = model.config();
        gpt2 = c.family() == ModelConfig.Family.GPT2;
        tokEmb = p.value("tok_emb.weight");
        posEmb = gpt2 ? p.value("pos_emb.weight") : null;
        normF = p.value("ln_f.weight");
        normFBias = gpt2 ? p.value("ln_f.bias") : null;
        head = c.tiedHead() ? tokEmb : p.value("head.weight");
        layers = new LayerWeights[c.layers()];
        for (int l = 0; l < layers.length; l++) layers[l] = LayerWeights.of(p, c, l);
        x = b.allocate(Shape.of(rows, c.dim()));
        h = b.allocate(Shape.of(rows, c.dim()));
        qkv = gpt2 ? b.allocate(Shape.of(rows, 3 * c.dim())) : null;
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
        int n = streams * len;
        Tensor xs = rows(x, n);
        b.embedding(tokEmb, tokens, xs);
        if (gpt2) {
            b.embedding(posEmb, positions, rows(h, n));
            b.binary(BinaryOp.ADD, xs, rows(h, n), xs);
        }
        for (int l = 0; l < layers.length; l++) {
            attention(l, cache, firstSlot, streams, len, positions);
            mlp(layers[l], n);
        }
        Tensor last = len == 1 ? xs : xs.slice(0, n - 1, n);
        Tensor normed = rows(h, streams);
        norm(last, normF, normFBias, normed);
        Tensor out = rows(logits, streams);
        b.matmul(normed, false, head, true, out, false);
        return out;
    }

    private void attention(int layer, KvCache cache, int firstSlot, int streams, int len, int[] positions) {
        LayerWeights w = layers[layer];
        int n = streams * len, hd = c.headDim();
        Tensor hs = rows(h, n), qs = rows(q, n), ks = rows(k, n), vs = rows(v, n);
        norm(rows(x, n), w.ln1(), w.ln1Bias(), hs);
        if (gpt2) {
            Tensor fused = rows(qkv, n);
            linear(hs, w.qkv(), w.qkvBias(), fused);
            b.copy(fused.slice(1, 0, c.dim()), qs);
            b.copy(fused.slice(1, c.dim(), 2 * c.dim()), ks);
            b.copy(fused.slice(1, 2 * c.dim(), 3 * c.dim()), vs);
        } else {
            linear(hs, w.q(), null, qs);
            linear(hs, w.k(), null, ks);
            linear(hs, w.v(), null, vs);
            b.rope(qs.reshape(n, c.heads(), hd), positions, c.ropeTheta(), qs.reshape(n, c.heads(), hd));
            b.rope(ks.reshape(n, c.kvHeads(), hd), positions, c.ropeTheta(), ks.reshape(n, c.kvHeads(), hd));
        }
        for (int s = 0; s < streams; s++) {
            Tensor kRows = ks.slice(0, s * len, (s + 1) * len).reshape(len, c.kvHeads(), hd);
            Tensor vRows = vs.slice(0, s * len, (s + 1) * len).reshape(len, c.kvHeads(), hd);
            cache.write(layer, firstSlot + s, positions[s * len], kRows, vRows);
        }
        Tensor out = rows(att, n);
        b.attention(qs.reshape(streams, len, c.heads(), hd),
                cache.keys(layer, firstSlot, firstSlot + streams), cache.values(layer, firstSlot, firstSlot + streams),
                positions, out.reshape(streams, len, c.heads(), hd), lse.slice(0, 0, n * c.heads()).reshape(streams, c.heads(), len));
        residual(out, w.proj(), w.projBias(), rows(x, n));
    }

    private void mlp(LayerWeights w, int n) {
        Tensor hs = rows(h, n), hid = rows(hidden, n), a = rows(act, n);
        norm(rows(x, n), w.ln2(), w.ln2Bias(), hs);
        linear(hs, w.fc(), w.fcBias(), hid);
        if (gpt2) {
            b.unary(UnaryOp.GELU_TANH, hid, a);
        } else {
            b.unary(UnaryOp.SILU, hid, a);
            linear(hs, w.up(), null, hid);
            b.binary(BinaryOp.MUL, a, hid, a);
        }
        residual(a, w.down(), w.downBias(), rows(x, n));
    }

    private void norm(Tensor in, Tensor gamma, Tensor beta, Tensor out) {
        int n = in.dim(0);
        if (gpt2) b.layerNorm(in, gamma, beta, c.normEps(), out, rows(mean, n), rows(rstd, n));
        else b.rmsNorm(in, gamma, c.normEps(), out, rows(rstd, n));
    }

    /** {@code out = in W^T (+ bias)}. */
    private void linear(Tensor in, Tensor weight, Tensor bias, Tensor out) {
        b.matmul(in, false, weight, true, out, false);
        if (bias != null) b.binary(BinaryOp.ADD, out, bias, out);
    }

    /** {@code xs += in W^T (+ bias)}: a projection back into the residual stream. */
    private void residual(Tensor in, Tensor weight, Tensor bias, Tensor xs) {
        b.matmul(in, false, weight, true, xs, true);
        if (bias != null) b.binary(BinaryOp.ADD, xs, bias, xs);
    }

    private static Tensor rows(Tensor buffer, int n) {
        return buffer.slice(0, 0, n);
    }
}
