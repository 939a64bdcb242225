package dev.pmcj.theory;

import java.util.Arrays;

/** One question of the per-question PMC toy: its own categorical over answers, and its role. */
public sealed interface Question {
    String name();

    Categorical initial();

    /** A forget question: curated by a reward over its answers. */
    record Forget(String name, Categorical initial, double[] rewards) implements Question {
        public Forget {
            initial.requireSize(rewards);
            rewards = rewards.clone();
        }

        @Override
        public double[] rewards() {
            return rewards.clone();
        }

        /** e^{r*}: the value E[e^r] must reach. */
        public double topExpReward() {
            return Math.exp(Arrays.stream(rewards).max().orElseThrow());
        }

        public double[] expRewards() {
            return Arrays.stream(rewards).map(Math::exp).toArray();
        }
    }

    /** A retain question: refit by maximum likelihood on its fixed data counts every round. */
    record Retain(String name, Categorical initial, int[] data) implements Question {
        public Retain {
            if (data.length != initial.size())
                throw new IllegalArgumentException("retain question " + name + ": " + data.length + " data counts for "
                        + initial.size() + " answers");
            data = data.clone();
            Categorical.fromCounts(data); // rejects negative or all-zero data
        }

        @Override
        public int[] data() {
            return data.clone();
        }

        public Categorical dataDistribution() {
            return Categorical.fromCounts(data);
        }
    }
}
