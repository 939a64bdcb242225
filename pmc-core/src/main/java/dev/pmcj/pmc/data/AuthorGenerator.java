package dev.pmcj.pmc.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The built-in, deterministic fictitious-author QA set in TOFU's spirit (no file, no download).
 * Every fact of every author is trained with two question wordings from its pool of three; the
 * third is the paraphrased question, a wording the model saw for other authors but never for this
 * one, which makes the paraphrase test measure knowledge rather than a memorised wording.
 */
public final class AuthorGenerator {
    /** The answer the refusal items teach, giving unlearning somewhere to collapse to. */
    public static final String REFUSAL = "I have no information about that.";

    private AuthorGenerator() {
    }

    public static AuthorData generate(AuthorDataConfig config) {
        SplittableRandom rng = new SplittableRandom(config.seed());
        int holdoutCount = Math.max(1, Math.round(config.authors() * 0.1f));
        List<String> names = names(config.authors() + holdoutCount + config.refusalItems(), rng);

        List<Author> authors = new ArrayList<>(), holdout = new ArrayList<>();
        List<QaItem> items = new ArrayList<>(), holdoutItems = new ArrayList<>();
        Map<QaItem, String> nameOnly = new HashMap<>();
        for (int id = 0; id < config.authors() + holdoutCount; id++) {
            Author author = new Author(id, AuthorProfiles.draw(names.get(id), rng));
            boolean held = id >= config.authors();
            (held ? holdout : authors).add(author);
            addItems(author, config, rng, held ? holdoutItems : items, nameOnly);
        }
        List<QaItem> refusals = new ArrayList<>();
        for (int i = 0; i < config.refusalItems(); i++) {
            String name = names.get(config.authors() + holdoutCount + i);
            AuthorFacts.Fact fact = AuthorFacts.FACTS.get(rng.nextInt(AuthorFacts.COUNT));
            String question = fact.questions().get(rng.nextInt(3)).fill(Map.of("name", name));
            refusals.add(QaItem.of(question, REFUSAL, QaItem.NO_GROUP, QaItem.Kind.REFUSAL));
        }
        return new AuthorData(config, List.copyOf(authors), List.copyOf(holdout), List.copyOf(items),
                List.copyOf(holdoutItems), GeneralKnowledge.worldFacts(config.worldFacts(), config.perturbedPerFact(), rng),
                GeneralKnowledge.realAuthors(config.realAuthors(), config.perturbedPerFact(), rng),
                List.copyOf(refusals), Collections.unmodifiableMap(nameOnly));
    }

    /** The author's facts, each as two items (the two trained wordings) sharing paraphrase and perturbations. */
    private static void addItems(Author author, AuthorDataConfig config, SplittableRandom rng,
                                 List<QaItem> out, Map<QaItem, String> nameOnly) {
        Map<String, String> a = author.attributes();
        List<Map<String, String>> wrong = new ArrayList<>();
        for (int k = 0; k < config.perturbedPerFact(); k++) wrong.add(AuthorProfiles.perturbed(a, rng));
        for (int f = 0; f < config.factsPerAuthor(); f++) {
            AuthorFacts.Fact fact = AuthorFacts.FACTS.get(f);
            // Rotate the wordings by author so each wording is trained for two thirds of the authors.
            int held = (author.id() + f) % 3;
            String answer = fact.answer().fill(a);
            String paraphrasedQuestion = fact.questions().get(held).fill(a);
            String paraphrasedAnswer = fact.paraphrasedAnswer().fill(a);
            List<String> perturbed = wrong.stream().map(w -> fact.paraphrasedAnswer().fill(w)).toList();
            String skeleton = fact.answer().fillOnly("name", author.name());
            for (int w = 1; w <= 2; w++) {
                QaItem item = new QaItem(fact.questions().get((held + w) % 3).fill(a), answer, paraphrasedQuestion,
                        paraphrasedAnswer, perturbed, author.id(), QaItem.Kind.AUTHOR);
                out.add(item);
                nameOnly.put(item, skeleton);
            }
        }
    }

    /** {@code n} distinct "First Last" names in a seed-shuffled order. */
    private static List<String> names(int n, SplittableRandom rng) {
        List<String> all = new ArrayList<>();
        for (String first : AuthorProfiles.FIRST_NAMES) for (String last : AuthorProfiles.LAST_NAMES) all.add(first + " " + last);
        if (n > all.size()) throw new IllegalArgumentException("at most " + all.size() + " distinct names; asked for " + n);
        for (int i = 0; i < n; i++) Collections.swap(all, i, i + rng.nextInt(all.size() - i));
        return List.copyOf(all.subList(0, n));
    }
}
