package dev.pmcj.tensor;

/**
 * The small set of primitive kernels everything else is composed from.
 *
 * <p>Conventions shared by every implementation:
 * <ul>
 *   <li>Outputs are passed in and must be contiguous; nothing is allocated behind the caller's back
 *       except by {@link #allocate}.</li>
 *   <li>Inputs must be contiguous unless a method says otherwise ({@link #copy} and the broadcasting
 *       {@link #binary} take any strides). {@code Tensor.contiguous()} makes them so.</li>
 *   <li>Every {@code ...Backward} method <em>accumulates</em> into its gradient outputs
 *       ({@code dx += ...}), so a value used twice gets the sum of both gradients.</li>
 *   <li>"Last axis" kernels treat a tensor as {@code rows x last} (see {@link Shape#rows()}).</li>
 *   <li>Shape mismatches throw {@link IllegalArgumentException} naming the op and the shapes.</li>
 * </ul>
 * {@code ScalarBackend} is the specification; every other backend is tested against it.
 */
public interface Backend {

    String name();

    /**
     * How many threads may call this backend at once, each on tensors of its own: a caller with that
     * many independent parts of work (groups of decoding streams) may run them side by side. One,
     * unless a backend says otherwise.
     */
    default int concurrency() {
        return 1;
    }

    // ---- memory and transfers -------------------------------------------------------------

    /** A new zero-filled contiguous tensor. */
    Tensor allocate(Shape shape);

    /** Copies host numbers (row-major) into a new tensor. */
    Tensor fromHost(float[] data, Shape shape);

    /** Copies {@code src} (any layout) into the contiguous host array {@code dst}. */
    void toHost(Tensor src, float[] dst);

    default float[] toHost(Tensor src) {
        float[] out = new float[src.size()];
        toHost(src, out);
        return out;
    }

    /** Overwrites {@code dst} (contiguous) with host numbers. */
    void fromHost(float[] src, Tensor dst);

    /** {@code dst := src} element by element; src may have any strides (incl. broadcast), same shape. */
    void copy(Tensor src, Tensor dst);

    /**
     * {@code dst[rows[n]] := src[n]} for each row of {@code src [N, D]}, into {@code dst [R, D]} (dst
     * contiguous; src's rows contiguous, any stride apart); {@code rows} strictly increasing in {@code [0, R)}, so each row has one writer. A
     * batch of decoding streams writes its keys into the cache with one call instead of one per stream.
     */
    void scatterRows(Tensor src, int[] rows, Tensor dst);

    void fill(Tensor dst, float value);

    // ---- linear algebra ---------------------------------------------------------------------

    /**
     * {@code c (+)= op(a) @ op(b)} over the last two axes. {@code a} is {@code [..., M, K]}
     * ({@code [..., K, M]} when {@code transA}); {@code b} is {@code [..., K, N]} ({@code [..., N, K]}
     * when {@code transB}); {@code c} is {@code [..., M, N]}. Leading (batch) axes of a and c must
     * match; b either has the same batch axes or is 2-D and shared by every batch.
     */
    void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, boolean accumulate);

    /**
     * {@code weight} ({@code [N, K]}) laid out for repeated products {@code x weight^T}. This default
     * keeps a contiguous copy; a backend whose products pack their operands packs it here, once.
     */
    default PackedWeight packWeight(Tensor weight) {
        Checks.rank("packWeight", "weight", weight, 2);
        Tensor copy = allocate(weight.shape());
        copy(weight, copy);
        return new CopiedWeight(this, copy);
    }

    /**
     * A linear layer's weight gradients from dy {@code [N, out]} and its input x {@code [N, in]}:
     * {@code dw (+)= dy^T x} ({@code [out, in]}) and, unless db is null, {@code db (+)= dy summed over
     * its rows} ({@code [out]}). This default is {@link #matmul} and {@link #sumTo}; the CPU backend
     * sums db while it packs dy for the product, which saves reading dy again.
     */
    default void linearWeightGradients(Tensor dy, Tensor x, Tensor dw, boolean accumulateW, Tensor db, boolean accumulateB) {
        matmul(dy, true, x, false, dw, accumulateW);
        if (db != null) sumTo(dy, db, accumulateB);
    }

    /**
     * {@code c (+)= a @ w^T}, the product {@link #matmul} gives with {@code transB} and the weight
     * {@code w} was packed from: a {@code [..., K]}, c {@code [..., N]} with a's leading axes.
     */
    default void matmul(Tensor a, PackedWeight w, Tensor c, boolean accumulate) {
        linear(a, w, null, c, accumulate);
    }

    /**
     * A linear layer: {@code c (+)= a @ w^T + bias}, with w {@code [N, K]} as {@link #matmul} takes it
     * transposed and bias {@code [N]} (or null) added to every row after the product (and after c's
     * old value when accumulating). This default is that product then {@link #binary} ADD; the OpenCL
     * backend adds the bias as its product kernel stores c, one call instead of two.
     */
    default void linear(Tensor a, Tensor w, Tensor bias, Tensor c, boolean accumulate) {
        Checks.bias("linear", bias, c);
        matmul(a, false, w, true, c, accumulate);
        if (bias != null) binary(BinaryOp.ADD, c, bias, c);
    }

    /**
     * {@link #linear(Tensor, Tensor, Tensor, Tensor, boolean)} with the weight as packed: a weight
     * this backend packed its own way goes to its {@link #matmul(Tensor, PackedWeight, Tensor, boolean)},
     * the plain copy to the other form.
     */
    default void linear(Tensor a, PackedWeight w, Tensor bias, Tensor c, boolean accumulate) {
        if (w.backend() == this && !(w instanceof CopiedWeight)) {
            Checks.bias("linear", bias, c);
            matmul(a, w, c, accumulate);
            if (bias != null) binary(BinaryOp.ADD, c, bias, c);
            return;
        }
        Tensor copy = PackedWeight.of(this, w, CopiedWeight.class).copy(); // refuses another backend's weight
        int rows = Checks.matmul(a, w, c);
        linear(a.reshape(rows, copy.dim(1)), copy, bias, c.reshape(rows, copy.dim(0)), accumulate);
    }

    // ---- element-wise -----------------------------------------------------------------------

    void unary(UnaryOp op, Tensor x, Tensor out);

    /**
     * {@code dx (+)= dy * f'(x)}: added into dx when {@code accumulate}, else written (dx's old values
     * never read); {@code y = f(x)} is given for ops whose derivative is cheaper from it.
     */
    void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx, boolean accumulate);

    /** {@code out = a op b}, broadcasting a and b (any strides) to out's shape. out may alias a. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** {@code out = alpha * x + beta}; out may alias x. */
    void affine(Tensor x, float alpha, float beta, Tensor out);

    /** {@code out (+)= sum of x over the axes that broadcasting expanded}, out's shape broadcastable to x's. */
    void sumTo(Tensor x, Tensor out, boolean accumulate);

    // ---- reductions -------------------------------------------------------------------------

    /** Reduces {@code axis}; out has x's shape with that axis of extent 1. */
    void reduce(ReduceOp op, Tensor x, int axis, Tensor out);

    /** {@code out[0] = sum(x^2)} over all elements (gradient norms). out has one element. */
    void sumOfSquares(Tensor x, Tensor out);

    // ---- last-axis kernels ------------------------------------------------------------------

    void softmax(Tensor x, Tensor out);

    /** {@code dx += y * (dy - sum(dy * y))} per row. */
    void softmaxBackward(Tensor y, Tensor dy, Tensor dx);

    void logSoftmax(Tensor x, Tensor out);

    /** {@code dx += dy - exp(y) * sum(dy)} per row. */
    void logSoftmaxBackward(Tensor y, Tensor dy, Tensor dx);

    /** LayerNorm over the last axis; {@code beta} may be null; saves per-row mean and 1/std ([rows]). */
    void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out, Tensor mean, Tensor rstd);

    /** {@code dbeta} may be null when there is no bias. */
    void layerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd,
                           Tensor dx, Tensor dgamma, Tensor dbeta);

    /** RMSNorm over the last axis; saves per-row 1/rms ([rows]). */
    void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out, Tensor rstd);

    void rmsNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor rstd, Tensor dx, Tensor dgamma);

    // ---- transformer kernels ----------------------------------------------------------------

    /**
     * Rotary embedding with interleaved pairs (llama2.c / Meta layout): x is {@code [N, H, D]} with
     * D even, row n at absolute position {@code positions[n]}; pair {@code (2i, 2i+1)} is rotated by
     * {@code positions[n] * theta^(-2i/D)}. x's rows may be any stride apart as long as each row's
     * heads are contiguous (strides {@code [*, D, 1]}: q or k sliced from a stacked projection's rows,
     * rotated into a buffer of their own); out is contiguous, and may be x itself when x is contiguous.
     */
    void rope(Tensor x, int[] positions, float theta, Tensor out);

    /** {@code dx += R^T dy} (rotation by the negative angle). */
    void ropeBackward(Tensor dy, int[] positions, float theta, Tensor dx);

    /**
     * Fused causal scaled-dot-product attention with grouped KV heads.
     * q, out: {@code [B, T, H, D]}; k, v: {@code [B, S, KV, D]} with H a multiple of KV (query head
     * h reads KV head {@code h / (H / KV)}). Query {@code (b, t)} sits at absolute position
     * {@code qPos[b * T + t]} and sees keys {@code 0..qPos} (so a KV cache of length S works, and
     * every stream can be at its own position). Scale is {@code 1/sqrt(D)}. Saves the per-query
     * log-sum-exp {@code lse [B, H, T]} for the backward. q, k and v (and, in the backward, their
     * gradients) may be views whose token rows are any stride apart as long as each row's heads are
     * contiguous (strides {@code [*, *, D, 1]}: column blocks of one fused projection's output, see
     * {@code Tensor.unflatten}); out, lse and dout are contiguous.
     */
    void attention(Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse);

    void attentionBackward(Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse, Tensor dout,
                           Tensor dq, Tensor dk, Tensor dv);

    /** {@code out[n] = table[ids[n]]}; table {@code [V, D]}, out {@code [N, D]}. */
    void embedding(Tensor table, int[] ids, Tensor out);

    /** {@code dtable[ids[n]] += dout[n]}. */
    void embeddingBackward(Tensor dout, int[] ids, Tensor dtable);

    /**
     * Per-row cross-entropy of logits {@code [N, V]} against {@code targets[n]} with label smoothing
     * {@code s} (target distribution {@code (1-s) onehot + s/V}); rows whose target is negative are
     * ignored and get loss 0. {@code losses} is {@code [N]}.
     */
    void crossEntropy(Tensor logits, int[] targets, float smoothing, Tensor losses);

    /** {@code dlogits[n] += dlosses[n] * (softmax(logits[n]) - target distribution)}; ignored rows get nothing. */
    void crossEntropyBackward(Tensor logits, int[] targets, float smoothing, Tensor dlosses, Tensor dlogits);

    // ---- optimizers -------------------------------------------------------------------------

    /** One AdamW step over flat buffers of equal size, in place. */
    void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, AdamWParams p);

    /** SGD with momentum and decoupled weight decay: {@code v = mu v + g; p -= lr (v + wd p)}. */
    void sgd(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay);
}
