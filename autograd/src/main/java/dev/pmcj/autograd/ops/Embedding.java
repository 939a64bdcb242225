package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

/** Rows of table {@code [V, D]} picked by ids; repeated ids accumulate their gradients into one row. */
public final class Embedding {
    private Embedding() {
    }

    public static Var apply(Tape t, Var table, int[] ids) {
        if (table.shape().rank() != 2) {
            throw new IllegalArgumentException("embedding: table " + table.shape() + " must be [V, D]");
        }
        Backend be = t.backend();
        int[] rows = ids.clone(); // the caller may reuse its array before backward runs
        Tensor y = t.allocateOutput(Shape.of(rows.length, table.shape().at(1)));
        be.embedding(table.value().contiguous(), rows, y);
        Var out = t.output(y, table);
        if (t.needsGrad(table)) {
            t.record(out, () -> {
                if (out.grad() != null) be.embeddingBackward(out.grad(), rows, t.gradOf(table));
            });
        }
        return out;
    }
}
