package dev.pmcj.pmc.unlearn;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;

/**
 * An unlearning objective over one shared trainer ({@link Unlearner}). Each micro-batch pairs a few
 * forget items with as many random retain items; the method turns them into a loss on the tape.
 * PMC's input carries forget questions only; the baselines read the forget answers (pmc.md section 4).
 */
public sealed interface UnlearningMethod permits Pmc, GradientAscent, GradDiff, Npo, SimNpo, Idk {

    /** Short name used in metrics and reports ("pmc", "ga", ...). */
    String name();

    /** Number of forget items an epoch walks over. */
    int forgetSize();

    /**
     * The loss of one micro-batch: forget items {@code forget} (indices into the method's forget set) and
     * their retain partners {@code retain} (indices into the retain set).
     */
    Var loss(Tape tape, int[] forget, int[] retain, StepInfo step);

    /** State a resumed run needs besides the weights (PMC: its candidate cache); JSON, "null" if none. */
    default String saveState() {
        return "null";
    }

    default void restoreState(String json) {
    }

    /** Where the run is, for methods that sample (seeds derive from it, so a resumed run repeats them). */
    record StepInfo(int epoch, int microBatch, long seed) {
        public long derivedSeed() {
            return seed * 1_000_003L + epoch * 10_007L + microBatch;
        }
    }
}
