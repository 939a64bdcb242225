package dev.pmcj.pmc.unlearn;

import dev.pmcj.autograd.Ops;
import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.tensor.Shape;
import dev.pmcj.transformer.model.Batch;

import java.util.ArrayList;
import java.util.List;

/** Loss pieces the methods share: mean answer cross-entropy, per-sequence NLL, weighted sums. */
final class Objectives {
    private Objectives() {
    }

    /** Mean token cross-entropy of the items' answers given their questions. */
    static Var answerCe(Tape tape, QaModel model, List<QaItem> items, int[] idx) {
        return model.decoder().meanLoss(tape, batchOf(model, items, idx), 0f);
    }

    /** Summed answer NLL per row, shape {@code [rows]}. */
    static Var sequenceNll(Tape tape, QaModel model, Batch batch) {
        Var tokens = model.tokenLosses(tape, batch);
        Var rows = Ops.reshape(tape, tokens, batch.batch(), batch.seqLen());
        return Ops.reshape(tape, Ops.sum(tape, rows, 1), batch.batch());
    }

    /** Answer-token count per row (the |y| of SimNPO). */
    static float[] answerLengths(Batch batch) {
        float[] len = new float[batch.batch()];
        int[] t = batch.targets();
        for (int i = 0; i < t.length; i++) if (t[i] != Batch.MASKED) len[i / batch.seqLen()]++;
        return len;
    }

    static Batch batchOf(QaModel model, List<QaItem> items, int[] idx) {
        List<String> q = new ArrayList<>(idx.length), a = new ArrayList<>(idx.length);
        for (int i : idx) {
            q.add(items.get(i).question());
            a.add(items.get(i).answer());
        }
        return model.batch(q, a);
    }

    static Var constant(Tape tape, float[] values) {
        return Var.constant(tape.backend().fromHost(values, Shape.of(values.length)));
    }

    /** {@code loss + lambda * CE_r}: a forget loss with the retain term of the items {@code r} of {@code retain}. */
    static Var plusRetain(Tape tape, Var loss, float lambda, QaModel model, List<QaItem> retain, int[] r) {
        Var retainCe = answerCe(tape, model, retain, r);
        return Ops.add(tape, loss, Ops.affine(tape, retainCe, lambda, 0f));
    }

    /** {@code -(2/beta) * mean(log sigmoid(beta * margin + shift))}: the NPO family's loss of per-row margins. */
    static Var npoLoss(Tape tape, Var margin, float beta, float shift) {
        Var x = Ops.affine(tape, margin, beta, shift);
        return Ops.affine(tape, Ops.meanAll(tape, Ops.logSigmoid(tape, x)), -2f / beta, 0f);
    }
}
