package dev.pmcj.pmc.unlearn;

import dev.pmcj.autograd.Ops;
import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.model.QaModel;

import java.util.List;

/** GA: maximise the forget answers' cross-entropy, {@code -CE_f}. No retain term. */
public record GradientAscent(QaModel model, List<QaItem> forget) implements UnlearningMethod {
    @Override
    public String name() {
        return "ga";
    }

    @Override
    public int forgetSize() {
        return forget.size();
    }

    @Override
    public Var loss(Tape tape, int[] f, int[] r, StepInfo step) {
        return Ops.neg(tape, Objectives.answerCe(tape, model, forget, f));
    }
}
