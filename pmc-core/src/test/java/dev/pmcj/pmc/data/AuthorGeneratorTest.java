package dev.pmcj.pmc.data;

import dev.pmcj.pmc.eval.RougeL;
import dev.pmcj.pmc.eval.UnlearnMetrics;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthorGeneratorTest {
    private static final AuthorData DATA = AuthorGenerator.generate(AuthorDataConfig.DEFAULT);
    private final RougeL rouge = new RougeL();

    @Test
    void deterministicFromTheSeed() {
        assertEquals(DATA, AuthorGenerator.generate(AuthorDataConfig.DEFAULT));
        assertNotEquals(DATA.items(), AuthorGenerator.generate(AuthorDataConfig.DEFAULT.withSeed(7)).items());
    }

    @Test
    void sizesFollowTheConfig() {
        AuthorDataConfig c = AuthorDataConfig.DEFAULT;
        assertEquals(c.authors(), DATA.authors().size());
        assertEquals(c.authors() * c.factsPerAuthor() * 2, DATA.items().size());
        assertEquals(c.worldFacts(), DATA.worldFacts().size());
        assertEquals(c.realAuthors(), DATA.realAuthors().size());
        assertEquals(c.refusalItems(), DATA.refusalItems().size());
        assertEquals(10, DATA.holdout().size());
        for (Author a : DATA.authors()) assertTrue(a.attributes().size() >= 12, a.toString());
        Set<String> names = new HashSet<>();
        DATA.authors().forEach(a -> names.add(a.name()));
        DATA.holdout().forEach(a -> names.add(a.name()));
        assertEquals(DATA.authors().size() + DATA.holdout().size(), names.size(), "names must be distinct");
        for (QaItem q : DATA.items()) {
            assertEquals(c.perturbedPerFact(), q.perturbedAnswers().size());
            assertFalse(q.perturbedAnswers().contains(q.paraphrasedAnswer()));
            int words = q.answer().split("\\s+").length;
            assertTrue(words >= 12 && words <= 30, words + " words: " + q.answer());
        }
    }

    /** Two trained wordings per fact; the paraphrased question is a third, trained only for other authors. */
    @Test
    void paraphrasedQuestionIsAWordingSeenOnlyForOtherAuthors() {
        Map<Integer, Set<String>> trainedTemplates = DATA.items().stream().collect(Collectors.groupingBy(QaItem::group,
                Collectors.mapping(q -> template(q), Collectors.toSet())));
        Set<String> allTrained = new HashSet<>();
        trainedTemplates.values().forEach(allTrained::addAll);
        for (QaItem q : DATA.items()) {
            String para = q.paraphrasedQuestion().replace(DATA.authors().get(q.group()).name(), "{name}");
            assertFalse(trainedTemplates.get(q.group()).contains(para), q.paraphrasedQuestion());
            assertTrue(allTrained.contains(para), "paraphrase wording never trained: " + para);
            assertNotEquals(q.question(), q.paraphrasedQuestion());
        }
    }

    private static String template(QaItem q) {
        return q.question().replace(DATA.authors().get(q.group()).name(), "{name}");
    }

    /**
     * A perfect model answers every paraphrased question with the trained answer; its paraphrased
     * recall must be high enough for a fine-tuned unlearn quality <= 0.25 (pmc.md section 7), while
     * a model that only copies the name into the template stays far from the answers.
     */
    @Test
    void paraphrasesAndIgnoranceFloorLeaveRoomForTheDemoTargets() {
        List<QaItem> forget = DATA.split(10).forget();
        double para = forget.stream().mapToDouble(q -> rouge.recall(q.paraphrasedAnswer(), q.answer())).average().orElseThrow();
        double perfectUq = UnlearnMetrics.unlearnQuality(1.0, para);
        double floor = DATA.ignoranceFloor(forget);
        System.out.printf("authors data: perfect-model R(paraphrased) %.3f, UQ %.3f; ignorance floor UQ %.3f%n",
                para, perfectUq, floor);
        assertTrue(para >= 0.55 && para <= 0.85, "paraphrase recall " + para);
        assertTrue(perfectUq <= 0.22, "perfect-model UQ " + perfectUq);
        assertTrue(floor >= 0.5, "ignorance floor " + floor);
    }

    /** The refusal shares no stemmed token with any answer, so collapsing into it scores 0. */
    @Test
    void refusalSharesNothingWithAnyAnswer() {
        for (QaItem q : DATA.items()) {
            assertEquals(0.0, rouge.recall(q.answer(), AuthorGenerator.REFUSAL), q.answer());
            assertEquals(0.0, rouge.recall(q.paraphrasedAnswer(), AuthorGenerator.REFUSAL), q.paraphrasedAnswer());
        }
        Set<String> known = new HashSet<>();
        DATA.authors().forEach(a -> known.add(a.name()));
        DATA.holdout().forEach(a -> known.add(a.name()));
        for (QaItem r : DATA.refusalItems()) {
            assertEquals(AuthorGenerator.REFUSAL, r.answer());
            assertTrue(known.stream().noneMatch(r.question()::contains), r.question());
        }
    }

    @Test
    void splitsPartitionAuthors() {
        for (int p : new int[] {1, 5, 10}) {
            UnlearningData d = DATA.split(p);
            int k = DATA.forgetAuthors(p);
            assertEquals(p, k, "100 authors: p% is p authors");
            assertEquals(k * AuthorDataConfig.DEFAULT.factsPerAuthor() * 2, d.forget().size());
            Set<String> forgetQuestions = new HashSet<>(d.forgetQuestions().questions());
            Set<String> forgetAnswers = d.forget().stream().map(QaItem::answer).collect(Collectors.toSet());
            for (QaItem r : d.retain()) {
                assertFalse(forgetQuestions.contains(r.question()));
                assertFalse(forgetAnswers.contains(r.answer()));
            }
            assertEquals(DATA.fineTuneSet().size(), d.forget().size() + d.retain().size());
            assertEquals(k * AuthorDataConfig.DEFAULT.factsPerAuthor() * 2, d.holdout().size());
            Set<String> trained = DATA.fineTuneSet().stream().map(QaItem::question).collect(Collectors.toSet());
            assertTrue(d.holdout().stream().noneMatch(h -> trained.contains(h.question())));
            assertTrue(d.retain().containsAll(DATA.worldFacts()));
        }
        assertThrows(IllegalArgumentException.class, () -> DATA.split(3));
    }

    @Property(tries = 8)
    void smallConfigsAreConsistent(@ForAll @IntRange(min = 10, max = 40) int authors,
                                   @ForAll @IntRange(min = 1, max = 13) int facts,
                                   @ForAll @IntRange(min = 0, max = 1000) int seed) {
        AuthorData d = AuthorGenerator.generate(new AuthorDataConfig(authors, facts, 2, 20, 10, 5, seed));
        assertEquals(authors * facts * 2, d.items().size());
        UnlearningData s = d.split(10);
        assertEquals(d.fineTuneSet().size(), s.forget().size() + s.retain().size());
        assertTrue(d.ignoranceFloor(s.forget()) > 0.3);
    }

    @Test
    void rejectsBadConfigs() {
        assertThrows(IllegalArgumentException.class, () -> new AuthorDataConfig(5, 10, 3, 10, 10, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new AuthorDataConfig(100, 99, 3, 10, 10, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new AuthorDataConfig(100, 10, 3, 10_000, 10, 10, 1));
    }
}
