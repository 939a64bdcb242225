package dev.pmcj.pmc.unlearn;

import dev.pmcj.autograd.Ops;
import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.model.QaModel;

import java.util.List;

/** GradDiff: {@code lambda * CE_r - CE_f}. */
public record GradDiff(QaModel model, List<QaItem> forget, List<QaItem> retain, float lambda) implements UnlearningMethod {
    @Override
    public String name() {
        return "graddiff";
    }

    @Override
    public int forgetSize() {
        return forget.size();
    }

    @Override
    public Var loss(Tape tape, int[] f, int[] r, StepInfo step) {
        Var forgetCe = Objectives.answerCe(tape, model, forget, f);
        return Objectives.plusRetain(tape, Ops.neg(tape, forgetCe), lambda, model, retain, r);
    }
}
