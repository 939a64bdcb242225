package dev.pmcj.tensor.vector;

import dev.pmcj.tensor.AdamWParams;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.HostTensors;
import dev.pmcj.tensor.PackedWeight;
import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.Checks;
import dev.pmcj.tensor.ReduceOp;
import dev.pmcj.tensor.RopeTable;
import dev.pmcj.tensor.ScalarBackend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Storage;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.tensor.UnaryOp;
import dev.pmcj.tensor.scalar.Functions;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The fast CPU backend: the Vector API ({@code SPECIES_PREFERRED}) and one shared pool sized to the
 * cores ({@link Parallel}); matmul is {@link Gemm}, attention is {@link FusedAttention}. Validation is
 * the shared {@link Checks}, so messages match {@link ScalarBackend}'s.
 *
 * <p>Cases that are rare or never hot are delegated to the specification backend: copies between
 * overlapping strided views, {@code sumTo} over inner axes, {@code reduce} of MAX or of an inner axis,
 * and every error message.
 */
public final class VectorBackend implements Backend {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Element-wise work below this many floats stays on the calling thread. */
    private static final int GRAIN = 1 << 15;

    private final ScalarBackend scalar = new ScalarBackend();

    @Override
    public String name() {
        return "cpu";
    }

    /** Its kernels keep their scratch per thread, and a kernel called inside another thread's job runs serially. */
    @Override
    public int concurrency() {
        return Parallel.THREADS;
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
        if (dst.length != src.size() || !(src.storage() instanceof Storage.Host)) {
            scalar.toHost(src, dst); // the specification's error message
        } else if (src.isContiguous()) {
            System.arraycopy(Checks.host("toHost", "src", src), src.offset(), dst, 0, dst.length);
        } else {
            new Rows(src).gather(Checks.host("toHost", "src", src), dst, 0, GRAIN);
        }
    }

    @Override
    public void fromHost(float[] src, Tensor dst) {
        scalar.fromHost(src, dst); // already a bulk copy
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        boolean host = src.storage() instanceof Storage.Host && dst.storage() instanceof Storage.Host;
        if (!host || !dst.isContiguous() || !src.shape().equals(dst.shape())) {
            scalar.copy(src, dst); // the specification's error messages
        } else if (src.isContiguous()) {
            float[] s = Checks.host("copy", "src", src), d = Checks.host("copy", "dst", dst);
            int so = src.offset(), dOff = dst.offset();
            // In chunks on all cores (one core's loads and stores fall short of the memory bandwidth),
            // unless the two overlap, which only one forward or backward pass copies correctly.
            Parallel.forRange(src.size(), src.storage() == dst.storage() ? Math.max(1, src.size()) : GRAIN,
                    (lo, hi) -> System.arraycopy(s, so + lo, d, dOff + lo, hi - lo));
        } else if (src.storage() == dst.storage()) {
            scalar.copy(src, dst); // a strided view overlapping its destination: copy through a host array
        } else {
            new Rows(src).gather(Checks.host("copy", "src", src), Checks.host("copy", "dst", dst), dst.offset(), GRAIN);
        }
    }

    @Override
    public void scatterRows(Tensor src, int[] rows, Tensor dst) {
        Checks.scatterRows("scatterRows", src, rows, dst);
        float[] s = Checks.host("scatterRows", "src", src), d = Checks.host("scatterRows", "dst", dst);
        int width = dst.dim(1), srcRow = src.stride(0);
        for (int n = 0; n < rows.length; n++) System.arraycopy(s, src.offset() + n * srcRow, d, dst.offset() + rows[n] * width, width);
    }

    @Override
    public void fill(Tensor dst, float value) {
        Checks.contiguous("fill", "dst", dst);
        float[] d = Checks.host("fill", "dst", dst);
        int off = dst.offset();
        Parallel.forRange(dst.size(), GRAIN, (lo, hi) -> Arrays.fill(d, off + lo, off + hi, value));
    }

    // ---- linear algebra ---------------------------------------------------------------------

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, boolean accumulate) {
        Checks.MatmulDims d = Checks.matmul(a, transA, b, transB, c);
        Gemm.matmul(Checks.host("matmul", "a", a), a.offset(), d.m() * d.k(), transA,
                Checks.host("matmul", "b", b), b.offset(), d.sharedB() ? 0 : d.k() * d.n(), transB,
                Checks.host("matmul", "c", c), c.offset(), d.batch(), d.m(), d.n(), d.k(), accumulate);
    }

    /** Where the product shares its packing ({@link Gemm#sharesPacking}), db is summed as dy is packed. */
    @Override
    public void linearWeightGradients(Tensor dy, Tensor x, Tensor dw, boolean accumulateW, Tensor db, boolean accumulateB) {
        Checks.MatmulDims d = Checks.matmul(dy, true, x, false, dw);
        if (db == null || d.batch() != 1 || db.size() != d.m() || !db.isContiguous() || !Gemm.sharesPacking(d.m(), d.n(), d.k())) {
            Backend.super.linearWeightGradients(dy, x, dw, accumulateW, db, accumulateB);
            return;
        }
        String op = "linearWeightGradients";
        Checks.sumTo(dy, db);
        float[] sums = Checks.host(op, "db", db);
        if (!accumulateB) Arrays.fill(sums, db.offset(), db.offset() + d.m(), 0f);
        Gemm.sharedPacked(Checks.host(op, "dy", dy), dy.offset(), 1, d.m(), Checks.host(op, "x", x), x.offset(), d.n(), 1,
                Checks.host(op, "dw", dw), dw.offset(), d.n(), d.m(), d.n(), d.k(), accumulateW, sums, db.offset());
    }

    /** The weight as {@link Gemm}'s packed B panels ({@link Gemm#packTransposed}), packed once. */
    private record Panels(Backend backend, Shape shape, float[] panels) implements PackedWeight {
    }

    @Override
    public PackedWeight packWeight(Tensor weight) {
        Checks.rank("packWeight", "weight", weight, 2);
        Checks.contiguous("packWeight", "weight", weight);
        return new Panels(this, weight.shape(), Gemm.packTransposed(Checks.host("packWeight", "weight", weight),
                weight.offset(), weight.dim(0), weight.dim(1)));
    }

    @Override
    public void matmul(Tensor a, PackedWeight w, Tensor c, boolean accumulate) {
        Panels p = PackedWeight.of(this, w, Panels.class);
        int m = Checks.matmul(a, w, c);
        Gemm.timesPacked(Checks.host("matmul", "a", a), a.offset(), p.panels, Checks.host("matmul", "c", c), c.offset(),
                m, w.shape().dim(0), w.shape().dim(1), accumulate);
    }

    // ---- element-wise -----------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        String name = Checks.unary(op, x, out);
        float[] xs = Checks.host(name, "x", x), o = Checks.host(name, "out", out);
        int xo = x.offset(), oo = out.offset();
        Parallel.forRange(x.size(), GRAIN, (lo, hi) -> {
            if (op == UnaryOp.GELU) { // no vector erf: the specification's function, element by element
                for (int i = lo; i < hi; i++) o[oo + i] = (float) Functions.apply(op, xs[xo + i]);
                return;
            }
            int n = hi - lo, whole = n - n % L, at = lo + whole;
            ElementWise.unaryVectors(op, xs, xo + lo, o, oo + lo, whole);
            if (whole < n) { // the last partial vector through the same loop (see ElementWise.TAIL)
                float[] t = ElementWise.TAIL.get();
                ElementWise.unaryVectors(op, t, ElementWise.padded(xs, xo + at, n - whole, t, 0), t, 0, L);
                System.arraycopy(t, 0, o, oo + at, n - whole);
            }
        });
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx, boolean accumulate) {
        String name = Checks.unaryBackward(op, x, y, dy, dx);
        float[] xs = Checks.host(name, "x", x), g = Checks.host(name, "dy", dy), d = Checks.host(name, "dx", dx);
        int xo = x.offset(), go = dy.offset(), dxo = dx.offset();
        Parallel.forRange(x.size(), GRAIN, (lo, hi) -> {
            if (op == UnaryOp.GELU) {
                for (int i = lo; i < hi; i++) {
                    float delta = (float) (g[go + i] * Functions.derivative(op, xs[xo + i]));
                    d[dxo + i] = accumulate ? d[dxo + i] + delta : delta;
                }
                return;
            }
            int n = hi - lo, whole = n - n % L, at = lo + whole;
            ElementWise.derivativeVectors(op, xs, xo + lo, g, go + lo, d, dxo + lo, whole, accumulate);
            if (whole < n) { // the last partial vector through the same loop (see ElementWise.TAIL)
                float[] t = ElementWise.TAIL.get();
                ElementWise.derivativeVectors(op, t, ElementWise.padded(xs, xo + at, n - whole, t, 0), t, ElementWise.padded(g, go + at, n - whole, t, 1),
                        t, ElementWise.padded(d, dxo + at, n - whole, t, 2), L, accumulate);
                System.arraycopy(t, 2 * L, d, dxo + at, n - whole);
            }
        });
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        String name = Checks.name(op);
        Checks.binary(op, a, b, out);
        int n = out.size();
        if (!(a.storage() instanceof Storage.Host && b.storage() instanceof Storage.Host
                && out.storage() instanceof Storage.Host) || n == 0) {
            scalar.binary(op, a, b, out);
            return;
        }
        if (!a.isContiguous() || !b.isContiguous() || !a.shape().equals(out.shape())) {
            stridedBinary(op, a, b, out);
            return;
        }
        float[] as = Checks.host(name, "a", a), bs = Checks.host(name, "b", b), o = Checks.host(name, "out", out);
        int ao = a.offset(), bo = b.offset(), oo = out.offset();
        // b is either out-shaped or a contiguous trailing block repeated over the leading axes (a bias).
        int period = b.size();
        if (period == n) {
            Parallel.forRange(n, GRAIN, (lo, hi) -> ElementWise.binaryRange(op, as, ao + lo, bs, bo + lo, o, oo + lo, hi - lo));
        } else if (period > 0 && isTrailingBlock(b.shape(), out.shape())) {
            Parallel.forRange(n / period, Math.max(1, GRAIN / period), (lo, hi) -> {
                for (int r = lo; r < hi; r++) ElementWise.binaryRange(op, as, ao + r * period, bs, bo, o, oo + r * period, period);
            });
        } else {
            stridedBinary(op, a, b, out);
        }
    }

    /**
     * Any strides and broadcasts, row by row along the last axis. An input that shares out's storage
     * in another layout would be overwritten while still being read, so that case goes through the
     * specification's host copies.
     */
    private void stridedBinary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (overlapsDifferently(a, out) || overlapsDifferently(b, out)) {
            scalar.binary(op, a, b, out);
            return;
        }
        String name = Checks.name(op);
        float[] as = Checks.host(name, "a", a), bs = Checks.host(name, "b", b), o = Checks.host(name, "out", out);
        Rows ra = new Rows(a.broadcastTo(out.shape())), rb = new Rows(b.broadcastTo(out.shape()));
        int len = ra.length, oo = out.offset();
        Parallel.forRange(ra.rows, Math.max(1, GRAIN / Math.max(1, len)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int ai = ra.start(r), bi = rb.start(r), oi = oo + r * len;
                if (ra.step == 1 && rb.step == 1) {
                    ElementWise.binaryRange(op, as, ai, bs, bi, o, oi, len);
                } else {
                    for (int i = 0; i < len; i++) o[oi + i] = ElementWise.binaryScalar(op, as[ai + i * ra.step], bs[bi + i * rb.step]);
                }
            }
        });
    }

    private static boolean overlapsDifferently(Tensor in, Tensor out) {
        return in.storage() == out.storage()
                && !(in.offset() == out.offset() && in.isContiguous() && in.shape().equals(out.shape()));
    }

    /** True when {@code b} equals the trailing axes of {@code out} (leading 1s allowed). */
    private static boolean isTrailingBlock(Shape b, Shape out) {
        int lead = b.rank();
        while (lead > 0 && b.at(b.rank() - lead) == 1) lead--;
        for (int i = 1; i <= lead; i++) {
            if (b.at(b.rank() - i) != out.at(out.rank() - i)) return false;
        }
        return true;
    }

    @Override
    public void affine(Tensor x, float alpha, float beta, Tensor out) {
        Checks.contiguous("affine", "x", x);
        Checks.like("affine", "x", x, "out", out);
        float[] xs = Checks.host("affine", "x", x), o = Checks.host("affine", "out", out);
        int xo = x.offset(), oo = out.offset();
        Parallel.forRange(x.size(), GRAIN, (lo, hi) -> {
            int i = lo;
            for (int end = hi - L; i <= end; i += L) {
                FloatVector.fromArray(S, xs, xo + i).fma(alpha, beta).intoArray(o, oo + i);
            }
            for (; i < hi; i++) o[oo + i] = Math.fma(alpha, xs[xo + i], beta);
        });
    }

    @Override
    public void sumTo(Tensor x, Tensor out, boolean accumulate) {
        Checks.sumTo(x, out);
        int period = out.size(), n = x.size();
        if (period == 0 || !isTrailingBlock(out.shape(), x.shape())) {
            scalar.sumTo(x, out, accumulate); // sums over inner axes: rare
            return;
        }
        // out repeats along x's leading axes (a bias, or the same shape): column sums of x as rows x period.
        float[] xs = Checks.host("sumTo", "x", x), o = Checks.host("sumTo", "out", out);
        int xo = x.offset(), oo = out.offset(), rows = n / period;
        // Two column blocks per core, so that each row is read in long runs (a bias gradient's 1024
        // rows were read 128 bytes at a time, 3x slower); rows stream through in order and add into
        // out, the first one copied rather than added to zeros when not accumulating.
        int grain = (Math.ceilDiv(period, 2 * Parallel.THREADS) + L - 1) / L * L;
        Parallel.forRange(period, n >= GRAIN ? grain : period, (lo, hi) -> {
            if (!accumulate && rows == 0) Arrays.fill(o, oo + lo, oo + hi, 0f);
            else VectorMath.columnSums(xs, xo, period, rows, o, oo, lo, hi, accumulate);
        });
    }

    // ---- reductions -------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        int a = Checks.reduce(op, x, axis, out);
        int n = x.dim(a);
        if (op == ReduceOp.MAX || n == 0 || a != x.rank() - 1) {
            scalar.reduce(op, x, axis, out); // maxima (ties, NaN) and inner axes: the specification
            return;
        }
        float[] xs = Checks.host("reduce", "x", x), o = Checks.host("reduce", "out", out);
        int xo = x.offset(), oo = out.offset(), rows = x.size() / n;
        float scale = op == ReduceOp.MEAN ? 1f / n : 1f;
        Parallel.forRange(rows, Math.max(1, GRAIN / n), (lo, hi) -> {
            for (int r = lo; r < hi; r++) o[oo + r] = VectorMath.sum(xs, xo + r * n, n) * scale;
        });
    }

    @Override
    public void sumOfSquares(Tensor x, Tensor out) {
        Checks.oneElement("sumOfSquares", x, out);
        float[] xs = Checks.host("sumOfSquares", "x", x);
        int xo = x.offset(), n = x.size(), chunks = Math.max(1, (n + GRAIN - 1) / GRAIN);
        // Float sums within a chunk, double across chunks: accurate for whole parameter buffers.
        double[] partial = new double[chunks];
        Parallel.forEach(chunks, chunks > 1, c -> {
            int lo = c * GRAIN, hi = Math.min(n, lo + GRAIN);
            partial[c] = VectorMath.sumOfSquares(xs, xo + lo, hi - lo);
        });
        double sum = 0;
        for (double p : partial) sum += p;
        Checks.host("sumOfSquares", "out", out)[out.offset()] = (float) sum;
    }

    // ---- last-axis kernels ------------------------------------------------------------------

    @Override
    public void softmax(Tensor x, Tensor out) {
        Checks.lastAxis("softmax", x, "out", out);
        float[] xs = Checks.host("softmax", "x", x), o = Checks.host("softmax", "out", out);
        int n = x.shape().last();
        forRows(x, (xo, oo) -> {
            float sum = VectorMath.expShifted(xs, xo, 1f, VectorMath.max(xs, xo, n), o, oo, n);
            VectorMath.scale(1f / sum, o, oo, n);
        }, x.offset(), out.offset());
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        Checks.lastAxis("softmaxBackward", y, "dy", dy);
        Checks.like("softmaxBackward", "y", y, "dx", dx);
        float[] ys = Checks.host("softmaxBackward", "y", y), g = Checks.host("softmaxBackward", "dy", dy);
        float[] d = Checks.host("softmaxBackward", "dx", dx);
        int n = y.shape().last(), go = dy.offset(), yo0 = y.offset();
        forRows(y, (yo, dxo) -> {
            int gi = go + (yo - yo0);
            float dot = VectorMath.dot(g, gi, ys, yo, n);
            int i = 0;
            for (int end = n - L; i <= end; i += L) {
                FloatVector yv = FloatVector.fromArray(S, ys, yo + i);
                yv.fma(FloatVector.fromArray(S, g, gi + i).sub(dot), FloatVector.fromArray(S, d, dxo + i))
                        .intoArray(d, dxo + i);
            }
            for (; i < n; i++) d[dxo + i] += ys[yo + i] * (g[gi + i] - dot);
        }, y.offset(), dx.offset());
    }

    @Override
    public void logSoftmax(Tensor x, Tensor out) {
        Checks.lastAxis("logSoftmax", x, "out", out);
        float[] xs = Checks.host("logSoftmax", "x", x), o = Checks.host("logSoftmax", "out", out);
        int n = x.shape().last();
        forRows(x, (xo, oo) -> {
            float lse = logSumExp(xs, xo, n);
            int i = 0;
            for (int end = n - L; i <= end; i += L) FloatVector.fromArray(S, xs, xo + i).sub(lse).intoArray(o, oo + i);
            for (; i < n; i++) o[oo + i] = xs[xo + i] - lse;
        }, x.offset(), out.offset());
    }

    @Override
    public void logSoftmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        Checks.lastAxis("logSoftmaxBackward", y, "dy", dy);
        Checks.like("logSoftmaxBackward", "y", y, "dx", dx);
        float[] ys = Checks.host("logSoftmaxBackward", "y", y), g = Checks.host("logSoftmaxBackward", "dy", dy);
        float[] d = Checks.host("logSoftmaxBackward", "dx", dx);
        int n = y.shape().last(), go = dy.offset(), yo0 = y.offset();
        forRows(y, (yo, dxo) -> {
            int gi = go + (yo - yo0);
            float sum = VectorMath.sum(g, gi, n);
            float[] e = VectorMath.scratch(n);
            VectorMath.expShifted(ys, yo, 1f, 0f, e, 0, n);
            int i = 0;
            for (int end = n - L; i <= end; i += L) {
                FloatVector.fromArray(S, e, i).fma(FloatVector.broadcast(S, -sum), FloatVector.fromArray(S, g, gi + i))
                        .add(FloatVector.fromArray(S, d, dxo + i)).intoArray(d, dxo + i);
            }
            for (; i < n; i++) d[dxo + i] += Math.fma(e[i], -sum, g[gi + i]);
        }, y.offset(), dx.offset());
    }

    /** log(sum(exp(x))) of one row, shifted by its maximum; an all -inf row gives -inf. */
    static float logSumExp(float[] x, int xo, int n) {
        float max = VectorMath.max(x, xo, n);
        if (max == Float.NEGATIVE_INFINITY) return max;
        return max + (float) Math.log(VectorMath.sumExpShifted(x, xo, max, n));
    }

    @Override
    public void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out, Tensor mean, Tensor rstd) {
        String op = "layerNorm";
        Checks.layerNorm(op, x, gamma, beta, out, mean, rstd);
        float[] xs = Checks.host(op, "x", x), o = Checks.host(op, "out", out), gs = Checks.host(op, "gamma", gamma);
        float[] bs = beta == null ? null : Checks.host(op, "beta", beta);
        float[] ms = Checks.host(op, "mean", mean), rs = Checks.host(op, "rstd", rstd);
        int n = x.shape().last(), go = gamma.offset(), bo = beta == null ? 0 : beta.offset();
        int x0 = x.offset(), mo = mean.offset(), ro = rstd.offset();
        forRows(x, (xo, oo) -> {
            int r = (xo - x0) / n;
            float mu = VectorMath.sum(xs, xo, n) / n;
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            for (int end = n - L; i <= end; i += L) {
                FloatVector c = FloatVector.fromArray(S, xs, xo + i).sub(mu);
                acc = c.fma(c, acc);
            }
            float var = LaneMath.sum(acc);
            for (; i < n; i++) var += (xs[xo + i] - mu) * (xs[xo + i] - mu);
            float rsd = (float) (1 / Math.sqrt(var / n + (double) eps));
            i = 0;
            for (int end = n - L; i <= end; i += L) {
                FloatVector y = FloatVector.fromArray(S, xs, xo + i).sub(mu).mul(rsd).mul(FloatVector.fromArray(S, gs, go + i));
                if (bs != null) y = y.add(FloatVector.fromArray(S, bs, bo + i));
                y.intoArray(o, oo + i);
            }
            for (; i < n; i++) o[oo + i] = (xs[xo + i] - mu) * rsd * gs[go + i] + (bs == null ? 0f : bs[bo + i]);
            ms[mo + r] = mu;
            rs[ro + r] = rsd;
        }, x.offset(), out.offset());
    }

    @Override
    public void layerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = "layerNormBackward";
        Checks.layerNormBackward(op, dy, x, gamma, mean, rstd, dx, dgamma, dbeta);
        float[] g = Checks.host(op, "dy", dy), xs = Checks.host(op, "x", x), gs = Checks.host(op, "gamma", gamma);
        float[] ms = Checks.host(op, "mean", mean), rs = Checks.host(op, "rstd", rstd), d = Checks.host(op, "dx", dx);
        int n = x.shape().last(), rows = x.shape().rows(), go = gamma.offset();
        boolean withBeta = dbeta != null;
        // Per part: dgamma's sums from po, dbeta's from po + n.
        float[] parts = normBackward(rows, n, withBeta ? 2 * n : n, (r, sums, po) -> {
            int xo = x.offset() + r * n, yo = dy.offset() + r * n, dxo = dx.offset() + r * n, bo = po + n;
            float mu = ms[mean.offset() + r], rsd = rs[rstd.offset() + r];
            FloatVector sg = FloatVector.zero(S), sgx = FloatVector.zero(S);
            int i = 0;
            for (int end = n - L; i <= end; i += L) {
                FloatVector xh = FloatVector.fromArray(S, xs, xo + i).sub(mu).mul(rsd);
                FloatVector dyv = FloatVector.fromArray(S, g, yo + i);
                FloatVector gv = dyv.mul(FloatVector.fromArray(S, gs, go + i));
                sg = sg.add(gv);
                sgx = gv.fma(xh, sgx);
                dyv.fma(xh, FloatVector.fromArray(S, sums, po + i)).intoArray(sums, po + i);
                if (withBeta) dyv.add(FloatVector.fromArray(S, sums, bo + i)).intoArray(sums, bo + i);
            }
            float meanG = LaneMath.sum(sg), meanGx = LaneMath.sum(sgx);
            for (int j = i; j < n; j++) {
                float xh = (xs[xo + j] - mu) * rsd, gv = g[yo + j] * gs[go + j];
                meanG += gv;
                meanGx += gv * xh;
                sums[po + j] += g[yo + j] * xh;
                if (withBeta) sums[bo + j] += g[yo + j];
            }
            meanG /= n;
            meanGx /= n;
            i = 0;
            for (int end = n - L; i <= end; i += L) {
                FloatVector xh = FloatVector.fromArray(S, xs, xo + i).sub(mu).mul(rsd);
                FloatVector gv = FloatVector.fromArray(S, g, yo + i).mul(FloatVector.fromArray(S, gs, go + i));
                gv.sub(meanG).sub(xh.mul(meanGx)).fma(FloatVector.broadcast(S, rsd), FloatVector.fromArray(S, d, dxo + i)).intoArray(d, dxo + i);
            }
            for (; i < n; i++) {
                float xh = (xs[xo + i] - mu) * rsd, gv = g[yo + i] * gs[go + i];
                d[dxo + i] += rsd * (gv - meanG - xh * meanGx);
            }
        });
        addParts(parts, rows, withBeta ? 2 * n : n, 0, n, Checks.host(op, "dgamma", dgamma), dgamma.offset());
        if (withBeta) addParts(parts, rows, 2 * n, n, n, Checks.host(op, "dbeta", dbeta), dbeta.offset());
    }

    @Override
    public void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out, Tensor rstd) {
        String op = "rmsNorm";
        Checks.rmsNorm(op, x, gamma, out, rstd);
        float[] xs = Checks.host(op, "x", x), o = Checks.host(op, "out", out), gs = Checks.host(op, "gamma", gamma);
        float[] rs = Checks.host(op, "rstd", rstd);
        int n = x.shape().last(), go = gamma.offset(), x0 = x.offset(), ro = rstd.offset();
        forRows(x, (xo, oo) -> {
            float rsd = (float) (1 / Math.sqrt(VectorMath.sumOfSquares(xs, xo, n) / n + (double) eps));
            int i = 0;
            for (int end = n - L; i <= end; i += L) {
                FloatVector.fromArray(S, xs, xo + i).mul(rsd).mul(FloatVector.fromArray(S, gs, go + i)).intoArray(o, oo + i);
            }
            for (; i < n; i++) o[oo + i] = xs[xo + i] * rsd * gs[go + i];
            rs[ro + (xo - x0) / n] = rsd;
        }, x.offset(), out.offset());
    }

    @Override
    public void rmsNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor rstd, Tensor dx, Tensor dgamma) {
        String op = "rmsNormBackward";
        Checks.rmsNormBackward(op, dy, x, gamma, rstd, dx, dgamma);
        float[] g = Checks.host(op, "dy", dy), xs = Checks.host(op, "x", x), gs = Checks.host(op, "gamma", gamma);
        float[] rs = Checks.host(op, "rstd", rstd), d = Checks.host(op, "dx", dx);
        int n = x.shape().last(), rows = x.shape().rows(), go = gamma.offset();
        float[] parts = normBackward(rows, n, n, (r, sums, po) -> {
            int xo = x.offset() + r * n, yo = dy.offset() + r * n, dxo = dx.offset() + r * n;
            float rsd = rs[rstd.offset() + r];
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            for (int end = n - L; i <= end; i += L) {
                FloatVector xv = FloatVector.fromArray(S, xs, xo + i), dyv = FloatVector.fromArray(S, g, yo + i);
                acc = dyv.mul(FloatVector.fromArray(S, gs, go + i)).fma(xv, acc);
                dyv.mul(xv).fma(FloatVector.broadcast(S, rsd), FloatVector.fromArray(S, sums, po + i)).intoArray(sums, po + i);
            }
            float dot = LaneMath.sum(acc);
            for (int j = i; j < n; j++) {
                dot += g[yo + j] * gs[go + j] * xs[xo + j];
                sums[po + j] += g[yo + j] * xs[xo + j] * rsd;
            }
            float c = rsd * rsd * rsd * dot / n;
            i = 0;
            for (int end = n - L; i <= end; i += L) {
                FloatVector t = FloatVector.fromArray(S, g, yo + i).mul(FloatVector.fromArray(S, gs, go + i)).mul(rsd);
                t.sub(FloatVector.fromArray(S, xs, xo + i).mul(c)).add(FloatVector.fromArray(S, d, dxo + i))
                        .intoArray(d, dxo + i);
            }
            for (; i < n; i++) d[dxo + i] += rsd * gs[go + i] * g[yo + i] - xs[xo + i] * c;
        });
        addParts(parts, rows, n, 0, n, Checks.host(op, "dgamma", dgamma), dgamma.offset());
    }

    /** Rows per part of a norm's backward. A fixed count, so that the per-channel sums do not depend on the core count. */
    private static final int NORM_ROWS = 64;

    /** One row of a norm's backward: adds to dx and adds its per-channel gradients into {@code sums} from {@code po}. */
    private interface NormRow {
        void run(int row, float[] sums, int po);
    }

    /**
     * Runs {@code row} for every row, in parts of {@link #NORM_ROWS} rows on all cores: each part sums
     * its per-channel gradients ({@code width} floats) into a zeroed slice of the calling thread's
     * scratch, which is returned, part after part. Serially, every row's dgamma went through one
     * buffer, and the backward was the slowest op per element of a training step.
     */
    private static float[] normBackward(int rows, int n, int width, NormRow row) {
        int parts = Math.ceilDiv(rows, NORM_ROWS);
        float[] sums = VectorMath.scratch(parts * width); // nothing in a row body uses the scratch
        Parallel.forEach(parts, (long) rows * n >= GRAIN, part -> {
            Arrays.fill(sums, part * width, (part + 1) * width, 0f);
            for (int r = part * NORM_ROWS; r < Math.min(rows, (part + 1) * NORM_ROWS); r++) row.run(r, sums, part * width);
        });
        return sums;
    }

    /** {@code dst[j] +=} column {@code off + j} of each part's sums, part after part ({@link VectorMath#columnSums} over the parts). */
    private static void addParts(float[] sums, int rows, int width, int off, int n, float[] dst, int dstOff) {
        VectorMath.columnSums(sums, off, width, Math.ceilDiv(rows, NORM_ROWS), dst, dstOff, 0, n, true);
    }

    // ---- transformer kernels ----------------------------------------------------------------

    @Override
    public void rope(Tensor x, int[] positions, float theta, Tensor out) {
        Checks.rope("rope", x, positions, out);
        rotate(x, positions, theta, out, false, 1);
    }

    @Override
    public void ropeBackward(Tensor dy, int[] positions, float theta, Tensor dx) {
        Checks.rope("ropeBackward", dy, positions, dx);
        rotate(dy, positions, theta, dx, true, -1);
    }

    /** Rotates pairs by {@code sign * position * theta^(-2i/D)}; angles in double as the specification has them ({@link RopeTable}). */
    private static void rotate(Tensor x, int[] positions, float theta, Tensor out, boolean accumulate, int sign) {
        float[] xs = Checks.host("rope", "x", x), o = Checks.host("rope", "out", out);
        int heads = x.dim(1), d = x.dim(2), xo = x.offset(), xRow = x.stride(0), oo = out.offset();
        RopeTable table = RopeTable.of(theta, d, sign);
        Parallel.forRange(positions.length, Math.max(1, GRAIN / Math.max(1, heads * d)), (lo, hi) -> {
            for (int n = lo; n < hi; n++) {
                float[] cs = table.row(positions[n]);
                for (int i = 0; i < d / 2; i++) {
                    float c = cs[2 * i], s = cs[2 * i + 1];
                    for (int h = 0; h < heads; h++) {
                        int at = (n * heads + h) * d + 2 * i, from = xo + n * xRow + h * d + 2 * i;
                        float x0 = xs[from], x1 = xs[from + 1];
                        float y0 = x0 * c - x1 * s, y1 = x0 * s + x1 * c;
                        if (accumulate) {
                            o[oo + at] += y0;
                            o[oo + at + 1] += y1;
                        } else {
                            o[oo + at] = y0;
                            o[oo + at + 1] = y1;
                        }
                    }
                }
            }
        });
    }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse) {
        Checks.attention("attention", q, k, v, qPos, out, lse);
        FusedAttention.forward(q, k, v, qPos, out, lse);
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, int[] qPos, Tensor out, Tensor lse, Tensor dout,
                                  Tensor dq, Tensor dk, Tensor dv) {
        String op = "attentionBackward";
        Checks.attentionBackward(op, q, k, v, qPos, out, lse, dout, dq, dk, dv);
        FusedAttention.backward(q, k, v, qPos, out, lse, dout, dq, dk, dv);
    }

    @Override
    public void embedding(Tensor table, int[] ids, Tensor out) {
        Checks.embedding("embedding", table, ids, out);
        float[] t = Checks.host("embedding", "table", table), o = Checks.host("embedding", "out", out);
        int d = table.dim(1);
        for (int n = 0; n < ids.length; n++) System.arraycopy(t, table.offset() + ids[n] * d, o, out.offset() + n * d, d);
    }

    @Override
    public void embeddingBackward(Tensor dout, int[] ids, Tensor dtable) {
        Checks.embedding("embeddingBackward", dtable, ids, dout);
        float[] g = Checks.host("embeddingBackward", "dout", dout), t = Checks.host("embeddingBackward", "dtable", dtable);
        int d = dtable.dim(1);
        for (int n = 0; n < ids.length; n++) {
            VectorMath.axpy(1f, g, dout.offset() + n * d, t, dtable.offset() + ids[n] * d, d);
        }
    }

    /** loss = lse - (1-s) x_target - (s/V) sum(x), the expanded form of -sum_c q_c log p_c. */
    @Override
    public void crossEntropy(Tensor logits, int[] targets, float smoothing, Tensor losses) {
        Checks.crossEntropy("crossEntropy", logits, targets, smoothing, losses);
        float[] x = Checks.host("crossEntropy", "logits", logits), out = Checks.host("crossEntropy", "losses", losses);
        int v = logits.dim(1), lo0 = losses.offset(), xo0 = logits.offset();
        Parallel.forEach(targets.length, (long) targets.length * v >= GRAIN, r -> {
            int t = targets[r], xo = xo0 + r * v;
            if (t < 0) {
                out[lo0 + r] = 0f;
                return;
            }
            float lse = logSumExp(x, xo, v);
            float smooth = smoothing == 0f ? 0f : smoothing / v * VectorMath.sum(x, xo, v);
            out[lo0 + r] = lse - (1 - smoothing) * x[xo + t] - smooth;
        });
    }

    @Override
    public void crossEntropyBackward(Tensor logits, int[] targets, float smoothing, Tensor dlosses, Tensor dlogits) {
        String op = "crossEntropyBackward";
        Checks.crossEntropy(op, logits, targets, smoothing, dlosses);
        Checks.gradient(op, "logits", logits, dlogits);
        float[] x = Checks.host(op, "logits", logits), dl = Checks.host(op, "dlosses", dlosses);
        float[] d = Checks.host(op, "dlogits", dlogits);
        int v = logits.dim(1), xo0 = logits.offset(), do0 = dlogits.offset(), dlo = dlosses.offset();
        float uniform = smoothing / v;
        Parallel.forEach(targets.length, (long) targets.length * v >= GRAIN, r -> {
            int t = targets[r];
            if (t < 0) return;
            int xo = xo0 + r * v, dxo = do0 + r * v;
            float lse = logSumExp(x, xo, v), g = dl[dlo + r];
            float[] p = VectorMath.scratch(v); // the probabilities: exp in a call that takes arrays (see LaneMath)
            VectorMath.expShifted(x, xo, 1f, lse, p, 0, v);
            int i = 0;
            for (int end = v - L; i <= end; i += L) {
                FloatVector.fromArray(S, p, i).sub(uniform).fma(FloatVector.broadcast(S, g), FloatVector.fromArray(S, d, dxo + i))
                        .intoArray(d, dxo + i);
            }
            for (; i < v; i++) d[dxo + i] = Math.fma(p[i] - uniform, g, d[dxo + i]);
            d[dxo + t] -= g * (1 - smoothing);
        });
    }

    // ---- optimizers -------------------------------------------------------------------------

    @Override
    public void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, AdamWParams p) {
        String op = "adamW";
        Checks.flatBuffers(op, param, new String[]{"grad", "m", "v"}, grad, m, v);
        if (p.step() < 1) throw new IllegalArgumentException("adamW: step " + p.step() + " must be 1 or more");
        float[] w = Checks.host(op, "param", param), gs = Checks.host(op, "grad", grad);
        float[] ms = Checks.host(op, "m", m), vs = Checks.host(op, "v", v);
        int wo = param.offset(), go = grad.offset(), mo = m.offset(), vo = v.offset();
        float decay = 1 - p.lr() * p.weightDecay(), b1 = p.beta1(), b2 = p.beta2(), eps = p.eps();
        float step1 = (float) (p.lr() / (1 - Math.pow(p.beta1(), p.step())));
        float rbc2 = (float) (1 / Math.sqrt(1 - Math.pow(p.beta2(), p.step())));
        boolean zero = p.zeroGrad();
        // p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)
        Parallel.forRange(param.size(), GRAIN, (lo, hi) -> {
            int i = lo;
            for (int end = hi - L; i <= end; i += L) {
                FloatVector g = FloatVector.fromArray(S, gs, go + i);
                if (zero) FloatVector.zero(S).intoArray(gs, go + i);
                FloatVector mv = FloatVector.fromArray(S, ms, mo + i).mul(b1).add(g.mul(1 - b1));
                FloatVector vv = FloatVector.fromArray(S, vs, vo + i).mul(b2).add(g.mul(g).mul(1 - b2));
                mv.intoArray(ms, mo + i);
                vv.intoArray(vs, vo + i);
                FloatVector upd = mv.mul(step1).div(vv.sqrt().mul(rbc2).add(eps));
                FloatVector.fromArray(S, w, wo + i).mul(decay).sub(upd).intoArray(w, wo + i);
            }
            for (; i < hi; i++) {
                float g = gs[go + i];
                if (zero) gs[go + i] = 0;
                float mi = ms[mo + i] * b1 + g * (1 - b1), vi = vs[vo + i] * b2 + g * g * (1 - b2);
                ms[mo + i] = mi;
                vs[vo + i] = vi;
                w[wo + i] = w[wo + i] * decay - mi * step1 / ((float) Math.sqrt(vi) * rbc2 + eps);
            }
        });
    }

    @Override
    public void sgd(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay) {
        String op = "sgd";
        Checks.flatBuffers(op, param, new String[]{"grad", "velocity"}, grad, velocity);
        float[] w = Checks.host(op, "param", param), gs = Checks.host(op, "grad", grad);
        float[] vs = Checks.host(op, "velocity", velocity);
        int wo = param.offset(), go = grad.offset(), vo = velocity.offset();
        Parallel.forRange(param.size(), GRAIN, (lo, hi) -> {
            int i = lo;
            for (int end = hi - L; i <= end; i += L) {
                FloatVector vv = FloatVector.fromArray(S, vs, vo + i).fma(FloatVector.broadcast(S, momentum), FloatVector.fromArray(S, gs, go + i));
                vv.intoArray(vs, vo + i);
                FloatVector wv = FloatVector.fromArray(S, w, wo + i);
                wv.sub(wv.fma(FloatVector.broadcast(S, weightDecay), vv).mul(lr)).intoArray(w, wo + i);
            }
            for (; i < hi; i++) {
                float vi = vs[vo + i] * momentum + gs[go + i];
                vs[vo + i] = vi;
                w[wo + i] -= lr * (vi + weightDecay * w[wo + i]);
            }
        });
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Per-row body given the row's start in the input and in the output array. */
    private interface RowBody {
        void run(int inOffset, int outOffset);
    }

    /** Runs {@code body} over the rows of a last-axis kernel, across the cores when the rows are many. */
    private static void forRows(Tensor x, RowBody body, int inOffset, int outOffset) {
        int n = x.shape().last(), rows = n == 0 ? 0 : x.shape().rows();
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, n)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) body.run(inOffset + r * n, outOffset + r * n);
        });
    }
}
