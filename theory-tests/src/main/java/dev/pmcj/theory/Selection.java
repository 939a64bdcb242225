package dev.pmcj.theory;

import org.apache.commons.math3.random.RandomGenerator;

/** How curation picks one of K candidates from their rewards. */
public sealed interface Selection {

    int choose(double[] candidateRewards, RandomGenerator rng);

    /** P(k) proportional to exp(r_k / temperature). */
    record BradleyTerry(double temperature) implements Selection {
        public BradleyTerry {
            if (!(temperature > 0) || Double.isInfinite(temperature))
                throw new IllegalArgumentException("Bradley-Terry temperature must be finite and > 0, got " + temperature);
        }

        @Override
        public int choose(double[] candidateRewards, RandomGenerator rng) {
            double max = Double.NEGATIVE_INFINITY;
            for (double r : candidateRewards) max = Math.max(max, r);
            double[] cdf = new double[candidateRewards.length];
            double acc = 0;
            for (int k = 0; k < cdf.length; k++) cdf[k] = acc += Math.exp((candidateRewards[k] - max) / temperature);
            double target = rng.nextDouble() * acc;
            for (int k = 0; k < cdf.length; k++) if (cdf[k] > target) return k;
            return cdf.length - 1;
        }
    }

    /** The highest reward, first index on ties (PMC's selection: argmin ROUGE). */
    record Argmax() implements Selection {
        @Override
        public int choose(double[] candidateRewards, RandomGenerator rng) {
            int best = 0;
            for (int k = 1; k < candidateRewards.length; k++) if (candidateRewards[k] > candidateRewards[best]) best = k;
            return best;
        }
    }
}
