package dev.pmcj.pmc.unlearn;

import dev.pmcj.autograd.Ops;
import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.transformer.model.Batch;

import java.util.List;

/**
 * NPO: {@code -(2/beta) mean log sigmoid(beta (l - l_ref)) + lambda * CE_r}, l the summed answer NLL.
 * The reference model is the starting model and frozen, so its NLL of each forget item is fixed:
 * it is computed once here instead of keeping a second copy of the weights.
 */
public final class Npo implements UnlearningMethod {
    private final QaModel model;
    private final List<QaItem> forget, retain;
    private final float beta, lambda;
    private final float[] referenceNll;

    public Npo(QaModel model, List<QaItem> forget, List<QaItem> retain, float beta, float lambda) {
        this.model = model;
        this.forget = forget;
        this.retain = retain;
        this.beta = beta;
        this.lambda = lambda;
        double[] nll = model.answerNll(forget.stream().map(QaItem::question).toList(),
                forget.stream().map(QaItem::answer).toList()).nll();
        referenceNll = new float[nll.length];
        for (int i = 0; i < nll.length; i++) referenceNll[i] = (float) nll[i];
    }

    @Override
    public String name() {
        return "npo";
    }

    @Override
    public int forgetSize() {
        return forget.size();
    }

    @Override
    public Var loss(Tape tape, int[] f, int[] r, StepInfo step) {
        Batch batch = Objectives.batchOf(model, forget, f);
        float[] ref = new float[f.length];
        for (int i = 0; i < f.length; i++) ref[i] = referenceNll[f[i]];
        Var margin = Ops.sub(tape, Objectives.sequenceNll(tape, model, batch), Objectives.constant(tape, ref));
        return Objectives.plusRetain(tape, Objectives.npoLoss(tape, margin, beta, 0f), lambda, model, retain, r);
    }
}
