package dev.pmcj.pmc.eval;

import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * TOFU's metrics in open-unlearning's definitions (pmc.md section 5), from per-item mean token NLLs.
 * Truth ratio TR = P(perturbed) / P(paraphrased) with length-normalised probabilities exp(-mean NLL);
 * with several perturbed answers their mean NLL is used, as TOFU does.
 */
public final class TofuMetrics {
    private TofuMetrics() {
    }

    /** Length-normalised answer probability {@code exp(-mean token NLL)}. */
    public static double probability(double meanNll) {
        return Math.exp(-meanNll);
    }

    /**
     * TOFU's probability on real authors and world facts: the correct answer's normalised probability
     * divided by itself plus those of the perturbed options.
     */
    public static double normalizedProbability(double correctMeanNll, double[] perturbedMeanNlls) {
        double correct = probability(correctMeanNll), sum = correct;
        for (double nll : perturbedMeanNlls) sum += probability(nll);
        return correct / sum;
    }

    /** One item's truth ratio from the paraphrased answer's and the perturbed answers' mean NLLs. */
    public static double truthRatio(double paraphrasedMeanNll, double[] perturbedMeanNlls) {
        if (perturbedMeanNlls.length == 0) throw new IllegalArgumentException("truth ratio needs perturbed answers");
        double mean = 0;
        for (double nll : perturbedMeanNlls) mean += nll;
        mean /= perturbedMeanNlls.length;
        return Math.exp(paraphrasedMeanNll - mean);
    }

    /** Forget aggregate {@code mean(min(TR, 1/TR))}: 1 when true and false answers are equally likely. */
    public static double forgetTruthRatio(double[] truthRatios) {
        requireNonEmpty(truthRatios);
        double s = 0;
        for (double tr : truthRatios) s += Math.min(tr, 1 / tr);
        return s / truthRatios.length;
    }

    /** Retain aggregate {@code mean(max(0, 1 - TR))}: high when the truth is much likelier. */
    public static double retainTruthRatio(double[] truthRatios) {
        requireNonEmpty(truthRatios);
        double s = 0;
        for (double tr : truthRatios) s += Math.max(0, 1 - tr);
        return s / truthRatios.length;
    }

    /**
     * Forget quality: the p-value of the two-sample Kolmogorov-Smirnov test between the unlearned
     * model's forget truth ratios and those of a model trained on the retain set only. Non-strict
     * (P(D >= d)) like scipy's ks_2samp that TOFU uses; Commons Math switches to the asymptotic
     * distribution when the product of the sample sizes reaches 10000.
     */
    public static double forgetQuality(double[] unlearnedTruthRatios, double[] retainModelTruthRatios) {
        requireNonEmpty(unlearnedTruthRatios);
        requireNonEmpty(retainModelTruthRatios);
        return new KolmogorovSmirnovTest().kolmogorovSmirnovTest(unlearnedTruthRatios, retainModelTruthRatios, false);
    }

    /** Model utility: the harmonic mean of the (non-negative) component metrics; 0 if any is 0. */
    public static double harmonicMean(double... values) {
        requireNonEmpty(values);
        double s = 0;
        for (double v : values) {
            if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("harmonic mean needs finite values >= 0, got " + v);
            if (v == 0) return 0;
            s += 1 / v;
        }
        return values.length / s;
    }

    private static void requireNonEmpty(double[] values) {
        if (values.length == 0) throw new IllegalArgumentException("no values");
    }
}
