package dev.pmcj.tensor.scalar;

import dev.pmcj.tensor.Checks.MatmulDims;
import dev.pmcj.tensor.ReduceOp;

/** Batched matrix product and single-axis reductions, with double accumulators. */
public final class LinearAlgebra {
    private LinearAlgebra() {
    }

    /** {@code c (+)= op(a) @ op(b)} for each batch; a 2-D b ({@code sharedB}) serves every batch. */
    public static void matmul(Buf a, boolean transA, Buf b, boolean transB, Buf c, boolean accumulate, MatmulDims dm) {
        int m = dm.m(), k = dm.k(), n = dm.n();
        for (int batch = 0; batch < dm.batch(); batch++) {
            int aBase = batch * m * k, bBase = dm.sharedB() ? 0 : batch * k * n, cBase = batch * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) {
                        float av = a.get(aBase + (transA ? p * m + i : i * k + p));
                        float bv = b.get(bBase + (transB ? j * k + p : p * n + j));
                        acc += (double) av * bv;
                    }
                    int at = cBase + i * n + j;
                    if (accumulate) c.add(at, acc);
                    else c.set(at, acc);
                }
            }
        }
    }

    /** x viewed as {@code [outer, n, inner]} reduced over the middle axis into {@code [outer, inner]}. */
    public static void reduce(ReduceOp op, Buf x, Buf out, int outer, int n, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : 0;
                for (int j = 0; j < n; j++) {
                    float v = x.get((o * n + j) * inner + i);
                    acc = op == ReduceOp.MAX ? Math.max(acc, v) : acc + v;
                }
                out.set(o * inner + i, op == ReduceOp.MEAN ? acc / n : acc);
            }
        }
    }
}
