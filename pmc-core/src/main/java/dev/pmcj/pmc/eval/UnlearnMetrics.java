package dev.pmcj.pmc.eval;

/**
 * The paper's summary metrics from mean ROUGE-L recalls (pmc.md section 5), as fractions:
 * unlearn quality UQ/2 and utility/3.
 */
public final class UnlearnMetrics {
    private UnlearnMetrics() {
    }

    /** {@code (2 - R(forget) - R(paraphrased forget)) / 2}: 1 when nothing of the answers is recalled. */
    public static double unlearnQuality(double forgetRecall, double paraphrasedRecall) {
        checkUnit("forget recall", forgetRecall);
        checkUnit("paraphrased recall", paraphrasedRecall);
        return (2 - forgetRecall - paraphrasedRecall) / 2;
    }

    /** {@code (R(retain) + R(world facts) + R(real authors)) / 3}. */
    public static double utility(double retainRecall, double worldFactsRecall, double realAuthorsRecall) {
        checkUnit("retain recall", retainRecall);
        checkUnit("world facts recall", worldFactsRecall);
        checkUnit("real authors recall", realAuthorsRecall);
        return (retainRecall + worldFactsRecall + realAuthorsRecall) / 3;
    }

    static void checkUnit(String what, double v) {
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(what + " must lie in [0, 1], got " + v);
    }
}
