package dev.pmcj.pmc.unlearn;

import java.util.SplittableRandom;

/**
 * How PMC picks one candidate from the n sampled for a question, given their scores (ROUGE-L to the
 * initial answer, lower is better; the reward is {@code 1 - score}).
 */
public sealed interface Selection permits Selection.Argmin, Selection.BradleyTerry {

    /** Index of the chosen candidate. */
    int choose(double[] scores, SplittableRandom rng);

    /** The reference code's choice: the lowest score, the first index on ties. */
    record Argmin() implements Selection {
        @Override
        public int choose(double[] scores, SplittableRandom rng) {
            int best = 0;
            for (int k = 1; k < scores.length; k++) if (scores[k] < scores[best]) best = k;
            return best;
        }
    }

    /**
     * The paper's framing: P(k) proportional to exp(r_k / tau) with r = 1 - score. As tau goes to 0 this
     * becomes argmax of the reward (argmin of the score); tau = 0 is taken as exactly that.
     */
    record BradleyTerry(double tau) implements Selection {
        public BradleyTerry {
            if (!(tau >= 0)) throw new IllegalArgumentException("Bradley-Terry temperature must be >= 0, got " + tau);
        }

        @Override
        public int choose(double[] scores, SplittableRandom rng) {
            if (tau == 0) return new Argmin().choose(scores, rng);
            // Shift by the best reward so exp never overflows for tiny tau.
            double minScore = Double.POSITIVE_INFINITY;
            for (double s : scores) minScore = Math.min(minScore, s);
            double[] w = new double[scores.length];
            double total = 0;
            for (int k = 0; k < scores.length; k++) {
                w[k] = Math.exp((minScore - scores[k]) / tau);
                total += w[k];
            }
            double u = rng.nextDouble() * total;
            for (int k = 0; k < w.length; k++) {
                u -= w[k];
                if (u < 0) return k;
            }
            return w.length - 1;
        }
    }
}
