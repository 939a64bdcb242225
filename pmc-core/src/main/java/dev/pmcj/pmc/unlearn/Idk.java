package dev.pmcj.pmc.unlearn;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.model.QaModel;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** IDK: fine-tune forget questions towards a random refusal, {@code CE(q_f -> refusal) + lambda * CE_r}. */
public record Idk(QaModel model, List<QaItem> forget, List<QaItem> retain, List<String> refusals, float lambda)
        implements UnlearningMethod {

    public Idk {
        if (refusals.isEmpty()) throw new IllegalArgumentException("IDK needs at least one refusal string");
    }

    @Override
    public String name() {
        return "idk";
    }

    @Override
    public int forgetSize() {
        return forget.size();
    }

    @Override
    public Var loss(Tape tape, int[] f, int[] r, StepInfo step) {
        SplittableRandom rng = new SplittableRandom(step.derivedSeed());
        List<String> q = new ArrayList<>(f.length), a = new ArrayList<>(f.length);
        for (int i : f) {
            q.add(forget.get(i).question());
            a.add(refusals.get(rng.nextInt(refusals.size())));
        }
        return Objectives.plusRetain(tape, model.meanLoss(tape, q, a, 0f), lambda, model, retain, r);
    }
}
