package dev.pmcj.pmc.unlearn;

import dev.pmcj.autograd.Ops;
import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.transformer.model.Batch;

import java.util.List;

/** SimNPO: {@code -(2/beta) mean log sigmoid(beta (l/|y| - gamma)) + lambda * CE_r}; no reference model. */
public record SimNpo(QaModel model, List<QaItem> forget, List<QaItem> retain, float beta, float gamma, float lambda)
        implements UnlearningMethod {
    @Override
    public String name() {
        return "simnpo";
    }

    @Override
    public int forgetSize() {
        return forget.size();
    }

    @Override
    public Var loss(Tape tape, int[] f, int[] r, StepInfo step) {
        Batch batch = Objectives.batchOf(model, forget, f);
        Var perToken = Ops.div(tape, Objectives.sequenceNll(tape, model, batch),
                Objectives.constant(tape, Objectives.answerLengths(batch)));
        return Objectives.plusRetain(tape, Objectives.npoLoss(tape, perToken, beta, -beta * gamma), lambda, model, retain, r);
    }
}
