package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

/**
 * {@code c = op(a) @ op(b)} over the last two axes, batched over leading axes. With
 * {@code C = A B}: {@code dA = dC B^T}, {@code dB = A^T dC}; the transposed variants follow by
 * transposing those identities, so every gradient is one accumulating backend matmul.
 */
public final class MatMul {
    private MatMul() {
    }

    public static Var apply(Tape t, Var a, boolean transA, Var b, boolean transB) {
        if (a.shape().rank() < 2 || b.shape().rank() < 2) {
            throw new IllegalArgumentException("matmul: a " + a.shape() + " and b " + b.shape() + " need rank >= 2");
        }
        if (b.shape().rank() == 2 && a.shape().rank() > 2) return sharedRight(t, a, transA, b, transB);
        Tensor av = a.value().contiguous(), bv = b.value().contiguous();
        int[] dims = a.shape().dims();
        int r = dims.length;
        dims[r - 2] = transA ? a.shape().at(r - 1) : a.shape().at(r - 2);
        dims[r - 1] = transB ? b.shape().dim(-2) : b.shape().dim(-1);
        Backend be = t.backend();
        Tensor c = t.allocateOutput(Shape.of(dims));
        be.matmul(av, transA, bv, transB, c, false);
        Var out = t.output(c, a, b);
        if (t.needsGrad(a, b)) {
            t.record(out, () -> {
                Tensor dc = out.grad();
                if (dc == null) return;
                if (a.requiresGrad()) {
                    Tape.GradTarget da = t.gradTarget(a);
                    if (transA) be.matmul(bv, transB, dc, true, da.tensor(), da.accumulate());
                    else be.matmul(dc, false, bv, !transB, da.tensor(), da.accumulate());
                }
                if (b.requiresGrad()) {
                    Tape.GradTarget db = t.gradTarget(b);
                    if (transB) be.matmul(dc, true, av, transA, db.tensor(), db.accumulate());
                    else be.matmul(av, !transA, dc, false, db.tensor(), db.accumulate());
                }
            });
        }
        return out;
    }

    /**
     * A batched a against one shared 2-D b: fold the batch into the rows of a 2-D product, so b's
     * gradient sums over the batch inside the matmul. Built from view ops, which route the gradients.
     */
    private static Var sharedRight(Tape t, Var a, boolean transA, Var b, boolean transB) {
        Var rowsFirst = transA ? Transpose.apply(t, a, -1, -2) : a;
        int[] dims = rowsFirst.shape().dims();
        Var c = apply(t, Reshape.apply(t, rowsFirst, -1, dims[dims.length - 1]), false, b, transB);
        dims[dims.length - 1] = c.shape().dim(-1);
        return Reshape.apply(t, c, dims);
    }
}
