package dev.pmcj.tensor;

import dev.pmcj.tensor.scalar.Attention;
import dev.pmcj.tensor.scalar.Buf;
import dev.pmcj.tensor.scalar.Functions;
import dev.pmcj.tensor.scalar.LinearAlgebra;
import dev.pmcj.tensor.scalar.Losses;
import dev.pmcj.tensor.scalar.Norms;
import dev.pmcj.tensor.scalar.Optimizers;
import dev.pmcj.tensor.scalar.Strided;

/**
 * The specification backend: every {@link Backend} method as plain loops over host float arrays,
 * validated by {@link Checks} and computed in double before rounding to float. Slow on purpose;
 * every other backend is tested against it. Stateless, so {@link Backends#scalar()} shares one.
 */
public final class ScalarBackend implements Backend {

    @Override
    public String name() {
        return "scalar";
    }

    // ---- memory and transfers -------------------------------------------------------------

    @Override
    public Tensor allocate(Shape shape) {
        return HostTensors.zeros(this, shape);
    }

    @Override
    public Tensor fromHost(float[] data, Shape shape) {
        return HostTensors.copyOf(this, data, shape);
    }

    @Override
    public void toHost(Tensor src, float[] dst) {
        if (dst.length != src.size()) {
            throw new IllegalArgumentException("toHost: src " + src.shape() + " has " + src.size()
                    + " elements but dst holds " + dst.length);
        }
        float[] data = Checks.host("toHost", "src", src);
        int[] at = Strided.offsets(src);
        for (int i = 0; i < dst.length; i++) dst[i] = data[at[i]];
    }

    @Override
    public void fromHost(float[] src, Tensor dst) {
        Checks.contiguous("fromHost", "dst", dst);
        if (src.length != dst.size()) {
            throw new IllegalArgumentException("fromHost: " + src.length + " numbers for dst " + dst.shape()
                    + " of " + dst.size() + " elements");
        }
        System.arraycopy(src, 0, Checks.host("fromHost", "dst", dst), dst.offset(), src.length);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        Checks.like("copy", "src", src, "dst", dst);
        // Through a host array, so overlapping src and dst still copy the old values.
        fromHost(toHost(src), dst);
    }

    @Override
    public void scatterRows(Tensor src, int[] rows, Tensor dst) {
        Checks.scatterRows("scatterRows", src, rows, dst);
        Buf s = Buf.of("scatterRows", "src", src), d = Buf.of("scatterRows", "dst", dst);
        int width = dst.dim(1), srcRow = src.stride(0);
        for (int n = 0; n < rows.length; n++) {
            for (int e = 0; e < width; e++) d.set(rows[n] * width + e, s.get(n * srcRow + e));
        }
    }

    @Override
    public void fill(Tensor dst, float value) {
        Checks.contiguous("fill", "dst", dst);
        Buf d = Buf.of("fill", "dst", dst);
        for (int i = 0; i < dst.size(); i++) d.set(i, value);
    }

    // ---- linear algebra ---------------------------------------------------------------------

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, boolean accumulate) {
        Checks.MatmulDims dims = Checks.matmul(a, transA, b, transB, c);
        LinearAlgebra.matmul(buf("matmul", "a", a), transA, buf("matmul", "b", b), transB, buf("matmul", "c", c),
                accumulate, dims);
    }

    // ---- element-wise -----------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        String name = Checks.unary(op, x, out);
        Buf xs = buf(name, "x", x), o = buf(name, "out", out);
        for (int i = 0; i < x.size(); i++) o.set(i, Functions.apply(op, xs.get(i)));
    }

    /** Computes f'(x) from x in double; y is validated but not needed at this precision. */
    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx, boolean accumulate) {
        String name = Checks.unaryBackward(op, x, y, dy, dx);
        Buf xs = buf(name, "x", x), g = buf(name, "dy", dy), d = buf(name, "dx", dx);
        for (int i = 0; i < x.size(); i++) {
            double delta = g.get(i) * Functions.derivative(op, xs.get(i));
            if (accumulate) d.add(i, delta);
            else d.set(i, delta);
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        String name = Checks.name(op);
        Checks.binary(op, a, b, out);
        float[] av = toHost(a.broadcastTo(out.shape())), bv = toHost(b.broadcastTo(out.shape()));
        Buf o = buf(name, "out", out);
        for (int i = 0; i < av.length; i++) o.set(i, Functions.apply(op, av[i], bv[i]));
    }

    @Override
    public void affine(Tensor x, float alpha, float beta, Tensor out) {
        Checks.contiguous("affine", "x", x);
        Checks.like("affine", "x", x, "out", out);
        Buf xs = buf("affine", "x", x), o = buf("affine", "out", out);
        for (int i = 0; i < x.size(); i++) o.set(i, (double) alpha * xs.get(i) + beta);
    }

    @Override
    public void sumTo(Tensor x, Tensor out, boolean accumulate) {
        Checks.sumTo(x, out);
        // out broadcast to x's shape maps each element of x to the out element it folds into.
        int[] target = Strided.offsets(out.broadcastTo(x.shape()));
        double[] sums = new double[out.size()];
        Buf xs = buf("sumTo", "x", x), o = buf("sumTo", "out", out);
        for (int i = 0; i < target.length; i++) sums[target[i] - out.offset()] += xs.get(i);
        for (int i = 0; i < sums.length; i++) {
            if (accumulate) o.add(i, sums[i]);
            else o.set(i, sums[i]);
        }
    }

    // ---- reductions -------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        int a = Checks.reduce(op, x, axis, out);
        int[] dims = x.shape().dims();
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++) outer *= dims[i];
        for (int i = a + 1; i < dims.length; i++) inner *= dims[i];
        LinearAlgebra.reduce(op, buf("reduce", "x", x), buf("reduce", "out", out), outer, dims[a], inner);
    }

    @Override
    public void sumOfSquares(Tensor x, Tensor out) {
        Checks.oneElement("sumOfSquares", x, out);
        Buf xs = buf("sumOfSquares", "x", x);
        double sum = 0;
        for (int i = 0; i < x.size(); i++) sum += (double) xs.get(i) * xs.get(i);
        buf("sumOfSquares", "out", out).set(0, sum);
    }

    // ---- last-axis kernels ------------------------------------------------------------------

    @Override
    public void softmax(Tensor x, Tensor out) {
        Checks.lastAxis("softmax", x, "out", out);
        Norms.softmax(buf("softmax", "x", x), buf("softmax", "out", out), x.shape().rows(), x.shape().last());
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        Checks.lastAxis("softmaxBackward", y, "dy", dy);
        Checks.like("softmaxBackward", "y", y, "dx", dx);
        Norms.softmaxBackward(buf("softmaxBackward", "y", y), buf("softmaxBackward", "dy", dy),
                buf("softmaxBackward", "dx", dx), y.shape().rows(), y.shape().last());
    }

    @Override
    public void logSoftmax(Tensor x, Tensor out) {
        Checks.lastAxis("logSoftmax", x, "out", out);
        Norms.logSoftmax(buf("logSoftmax", "x", x), buf("logSoftmax", "out", out), x.shape().rows(), x.shape().last());
    }

    @Override
    public void logSoftmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        Checks.lastAxis("logSoftmaxBackward", y, "dy", dy);
        Checks.like("logSoftmaxBackward", "y", y, "dx", dx);
        Norms.logSoftmaxBackward(buf("logSoftmaxBackward", "y", y), buf("logSoftmaxBackward", "dy", dy),
                buf("logSoftmaxBackward", "dx", dx), y.shape().rows(), y.shape().last());
    }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out, Tensor mean, Tensor rstd) {
        String op = "layerNorm";
        Checks.layerNorm(op, x, gamma, beta, out, mean, rstd);
        Norms.layerNorm(buf(op, "x", x), buf(op, "gamma", gamma), buf(op, "beta", beta), eps, buf(op, "out", out),
                buf(op, "mean", mean), buf(op, "rstd", rstd), x.shape().rows(), x.shape().last());
    }

    @Override
    public void layerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = "layerNormBackward";
        Checks.layerNormBackward(op, dy, x, gamma, mean, rstd, dx, dgamma, dbeta);
        Norms.layerNormBackward(buf(op, "dy", dy), buf(op, "x", x), buf(op, "gamma", gamma), buf(op, "mean", mean),
                buf(op, "rstd", rstd), buf(op, "dx", dx), buf(op, "dgamma", dgamma), buf(op, "dbeta", dbeta),
                x.shape().rows(), x.shape().last());
    }

    @Override
    public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out, Tensor rstd) {
        String op = "rmsNorm";
        Checks.rmsNorm(op, x, gamma, out, rstd);
        Norms.rmsNorm(buf(op, "x", x), buf(op, "gamma", gamma), eps, buf(op, "out", out), buf(op, "rstd", rstd),
                x.shape().rows(), x.shape().last());
    }

    @Override
    public void rmsNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor rstd, Tensor dx, Tensor dgamma) {
        String op = "rmsNormBackward";
        Checks.rmsNormBackward(op, dy, x, gamma, rstd, dx, dgamma);
        Norms.rmsNormBackward(buf(op, "dy", dy), buf(op, "x", x), buf(op, "gamma", gamma), buf(op, "rstd", rstd),
                buf(op, "dx", dx), buf(op, "dgamma", dgamma), x.shape().rows(), x.shape().last());
    }

    // ---- transformer kernels ----------------------------------------------------------------

    @Override
    public void rope(Tensor x, int[] positions, float theta, Tensor out) {
        Checks.rope("rope", x, positions, out);
        Attention.rope(buf("rope", "x", x), x.stride(0), positions, theta, buf("rope", "out", out), false, 1, x.dim(1), x.dim(2));
    }

    @Override
    public void ropeBackward(Tensor dy, int[] positions, float theta, Tensor dx) {
        Checks.rope("ropeBackward", dy, positions, dx);
        Attention.rope(buf("ropeBackward", "dy", dy), dy.stride(0), positions, theta, buf("ropeBackward", "dx", dx), true, -1,
                dy.dim(1), dy.dim(2));
    }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse) {
        String op = "attention";
        Checks.attention(op, q, k, v, qPos, out, lse);
        Attention.forward(heads(op, "q", q), heads(op, "k", k), heads(op, "v", v), qPos, buf(op, "out", out),
                buf(op, "lse", lse), dims(q, k));
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse, Tensor dout,
                                  Tensor dq, Tensor dk, Tensor dv) {
        String op = "attentionBackward";
        Checks.attentionBackward(op, q, k, v, qPos, out, lse, dout, dq, dk, dv);
        Attention.backward(heads(op, "q", q), heads(op, "k", k), heads(op, "v", v), qPos, buf(op, "out", out),
                buf(op, "lse", lse), buf(op, "dout", dout), heads(op, "dq", dq), heads(op, "dk", dk), heads(op, "dv", dv),
                dims(q, k));
    }

    private static Attention.Heads heads(String op, String name, Tensor t) {
        return new Attention.Heads(buf(op, name, t), Attention.Rows.of(t));
    }

    private static Attention.Dims dims(Tensor q, Tensor k) {
        return new Attention.Dims(q.dim(0), q.dim(1), q.dim(2), q.dim(3), k.dim(1), k.dim(2));
    }

    @Override
    public void embedding(Tensor table, int[] ids, Tensor out) {
        Checks.embedding("embedding", table, ids, out);
        Losses.embedding(buf("embedding", "table", table), ids, buf("embedding", "out", out), table.dim(1));
    }

    @Override
    public void embeddingBackward(Tensor dout, int[] ids, Tensor dtable) {
        Checks.embedding("embeddingBackward", dtable, ids, dout);
        Losses.embeddingBackward(buf("embeddingBackward", "dout", dout), ids,
                buf("embeddingBackward", "dtable", dtable), dtable.dim(1));
    }

    @Override
    public void crossEntropy(Tensor logits, int[] targets, float smoothing, Tensor losses) {
        Checks.crossEntropy("crossEntropy", logits, targets, smoothing, losses);
        Losses.crossEntropy(buf("crossEntropy", "logits", logits), targets, smoothing,
                buf("crossEntropy", "losses", losses), logits.dim(1));
    }

    @Override
    public void crossEntropyBackward(Tensor logits, int[] targets, float smoothing, Tensor dlosses, Tensor dlogits) {
        String op = "crossEntropyBackward";
        Checks.crossEntropy(op, logits, targets, smoothing, dlosses);
        Checks.gradient(op, "logits", logits, dlogits);
        Losses.crossEntropyBackward(buf(op, "logits", logits), targets, smoothing, buf(op, "dlosses", dlosses),
                buf(op, "dlogits", dlogits), logits.dim(1));
    }

    // ---- optimizers -------------------------------------------------------------------------

    @Override
    public void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, AdamWParams p) {
        String op = "adamW";
        Checks.flatBuffers(op, param, new String[]{"grad", "m", "v"}, grad, m, v);
        if (p.step() < 1) throw new IllegalArgumentException("adamW: step " + p.step() + " must be 1 or more");
        Optimizers.adamW(buf(op, "param", param), buf(op, "grad", grad), buf(op, "m", m), buf(op, "v", v), p,
                param.size());
    }

    @Override
    public void sgd(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay) {
        String op = "sgd";
        Checks.flatBuffers(op, param, new String[]{"grad", "velocity"}, grad, velocity);
        Optimizers.sgd(buf(op, "param", param), buf(op, "grad", grad), buf(op, "velocity", velocity), lr, momentum,
                weightDecay, param.size());
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static Buf buf(String op, String name, Tensor t) {
        return Buf.of(op, name, t);
    }

}
