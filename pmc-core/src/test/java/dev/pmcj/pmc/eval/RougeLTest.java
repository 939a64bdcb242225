package dev.pmcj.pmc.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmcj.testsupport.SharedData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RougeLTest {
    private final RougeL rouge = new RougeL();

    /** rouge-score 0.1.2 ROUGE-L (use_stemmer=True) on 800 TOFU answer pairs. */
    @Test
    void matchesRougeScoreOnTofuPairs() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(SharedData.require("rouge/rougeL_tofu_pairs.jsonl"));
        assertEquals(800, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode d = json.readTree(lines.get(i));
            RougeScore s = rouge.score(d.get("target").asText(), d.get("prediction").asText());
            String where = "line " + (i + 1);
            assertEquals(d.get("precision").asDouble(), s.precision(), 1e-9, where);
            assertEquals(d.get("recall").asDouble(), s.recall(), 1e-9, where);
            assertEquals(d.get("fmeasure").asDouble(), s.fmeasure(), 1e-9, where);
        }
    }

    @Test
    void tokenizesLikeRougeScore() {
        // Non-[a-z0-9] runs (apostrophes, accents, punctuation) split; only tokens longer than 3 are stemmed.
        assertEquals(List.of("the", "cat", "s", "run", "fast", "2024", "caf", "ies", "poni"),
                RougeL.tokenize("The cat's RUNNING -- fast!! 2024 café é ies ponies"));
    }

    @Test
    void handComputedScore() {
        // target: the cat sat on the mat (6); prediction: the cat lay on a mat (6); LCS the cat on mat = 4.
        RougeScore s = rouge.score("The cat sat on the mat.", "the cat lay on a mat");
        assertEquals(4.0 / 6, s.precision(), 1e-15);
        assertEquals(4.0 / 6, s.recall(), 1e-15);
        RougeScore t = rouge.score("a b c d", "a x c");
        assertEquals(2.0 / 3, t.precision(), 1e-15);
        assertEquals(0.5, t.recall(), 1e-15);
        assertEquals(2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5), t.fmeasure(), 1e-15);
        assertEquals(RougeScore.ZERO, rouge.score("", "anything"));
        assertEquals(RougeScore.ZERO, rouge.score("something", "!!!"));
        assertEquals(RougeScore.ZERO, rouge.score("alpha", "beta"));
    }

    @Property(tries = 300)
    void identicalNonEmptyTextsScoreOne(@ForAll("sentences") String s) {
        RougeScore r = rouge.score(s, s);
        assertEquals(new RougeScore(1, 1, 1), r);
    }

    @Property(tries = 300)
    void swappingSidesSwapsPrecisionAndRecall(@ForAll("sentences") String a, @ForAll("sentences") String b) {
        RougeScore ab = rouge.score(a, b);
        RougeScore ba = rouge.score(b, a);
        assertEquals(ab.precision(), ba.recall(), 0.0);
        assertEquals(ab.recall(), ba.precision(), 0.0);
        assertEquals(ab.fmeasure(), ba.fmeasure(), 1e-15);
    }

    @Property(tries = 300)
    void fmeasureLiesBetweenPrecisionAndRecall(@ForAll("sentences") String a, @ForAll("sentences") String b) {
        RougeScore r = rouge.score(a, b);
        assertTrue(r.fmeasure() <= Math.max(r.precision(), r.recall()) + 1e-15);
        assertTrue(r.fmeasure() >= Math.min(r.precision(), r.recall()) - 1e-15);
        assertTrue(r.precision() >= 0 && r.recall() <= 1);
    }

    /** The row-reusing LCS equals a plain full-table DP, in both argument orders. */
    @Property(tries = 500)
    void lcsMatchesFullTable(@ForAll("idArrays") int[] a, @ForAll("idArrays") int[] b) {
        int[][] t = new int[a.length + 1][b.length + 1];
        for (int i = 1; i <= a.length; i++) {
            for (int j = 1; j <= b.length; j++) {
                t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        assertEquals(t[a.length][b.length], RougeL.lcsLength(a, b));
        assertEquals(t[a.length][b.length], RougeL.lcsLength(b, a));
    }

    @Provide
    Arbitrary<String> sentences() {
        Arbitrary<String> word = Arbitraries.of("the", "author", "wrote", "writing", "books", "Book", "novels",
                "born", "in", "Paris", "1956", "awards", "awarded", "his", "her", "mother", "was", "a", "doctor");
        return word.list().ofMinSize(1).ofMaxSize(30)
                .map(ws -> String.join(" ", ws) + ".");
    }

    @Provide
    Arbitrary<int[]> idArrays() {
        return Arbitraries.integers().between(0, 5).array(int[].class).ofMaxSize(400);
    }
}
