package dev.pmcj.theory;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.List;

/** Random settings for the properties: K, initial distributions, rewards, sample sizes, retain counts, seeds. */
final class Settings {
    private Settings() {}

    /** A partial-collapse setting: the first {@code forget} categories have no retain data. */
    record Partial(Categorical p0, int forget, Collapse process, long seed) {}

    /** A curated setting: rewards on a grid of step 1/4 (ties allowed, gaps >= 1/4). */
    record Curated(int k, Categorical p0, double[] rewards, long seed) {}

    static Arbitrary<Categorical> distribution(int size) {
        return Arbitraries.doubles().between(0.05, 1).list().ofSize(size)
                .map(w -> Categorical.fromCounts(w.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    static Arbitrary<double[]> gridRewards(int size, int maxQuarters) {
        return Arbitraries.integers().between(0, maxQuarters).list().ofSize(size)
                .map(q -> q.stream().mapToDouble(v -> v / 4.0).toArray());
    }

    static Arbitrary<Partial> partial(int maxCategories, int maxSamples) {
        return Arbitraries.integers().between(2, maxCategories).flatMap(k -> Combinators.combine(
                distribution(k),
                Arbitraries.integers().between(1, k - 1),
                Arbitraries.integers().between(5, maxSamples),
                Arbitraries.integers().between(2, 30).list().ofSize(k),
                Arbitraries.longs()
        ).as((p0, forget, samples, counts, seed) -> {
            int[] retain = new int[k];
            for (int i = forget; i < k; i++) retain[i] = counts.get(i);
            return new Partial(p0, forget, Collapse.partial(samples, retain), seed);
        }));
    }

    static Arbitrary<Curated> curated(int maxK, int maxCategories, int maxQuarters) {
        return Arbitraries.integers().between(2, maxCategories).flatMap(n -> Combinators.combine(
                Arbitraries.integers().between(2, maxK),
                distribution(n),
                gridRewards(n, maxQuarters),
                Arbitraries.longs()
        ).as(Curated::new));
    }

    static Arbitrary<List<Question>> questions() {
        Arbitrary<Question> forget = Arbitraries.integers().between(2, 5).flatMap(n -> Combinators.combine(
                distribution(n), gridRewards(n, 8)).as((p0, r) -> (Question) new Question.Forget("f", p0, r)));
        Arbitrary<Question> retain = Arbitraries.integers().between(2, 5).flatMap(n -> Combinators.combine(
                distribution(n), Arbitraries.integers().between(0, 20).list().ofSize(n)
                        .filter(c -> c.stream().mapToInt(Integer::intValue).sum() > 0))
                .as((p0, data) -> (Question) new Question.Retain("r", p0, data.stream().mapToInt(Integer::intValue).toArray())));
        return Combinators.combine(forget.list().ofMinSize(1).ofMaxSize(3), retain.list().ofMinSize(1).ofMaxSize(3))
                .as((f, r) -> {
                    List<Question> all = new java.util.ArrayList<>();
                    for (int i = 0; i < f.size(); i++) {
                        Question.Forget q = (Question.Forget) f.get(i);
                        all.add(new Question.Forget("forget" + i, q.initial(), q.rewards()));
                    }
                    for (int i = 0; i < r.size(); i++) {
                        Question.Retain q = (Question.Retain) r.get(i);
                        all.add(new Question.Retain("retain" + i, q.initial(), q.data()));
                    }
                    return List.copyOf(all);
                });
    }
}
