package dev.pmcj.theory;

import org.apache.commons.math3.random.RandomGenerator;

/** One round of a self-consuming training process: the model after refitting. */
@FunctionalInterface
public interface RefitProcess {
    Categorical step(Categorical current, RandomGenerator rng);

    /** The models at rounds 0..T of one run. */
    default Categorical[] trajectory(Categorical initial, int rounds, RandomGenerator rng) {
        Categorical[] out = new Categorical[rounds + 1];
        out[0] = initial;
        for (int t = 0; t < rounds; t++) out[t + 1] = step(out[t], rng);
        return out;
    }
}
