package dev.pmcj.pmc.eval;

import dev.pmcj.testsupport.SharedData;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PorterStemmerTest {

    /** NLTK's stems of every TOFU word (12k words, produced by nltk.stem.porter in its default mode). */
    @Test
    void matchesNltkOnEveryTofuWord() throws IOException {
        Path tsv = SharedData.require("rouge/porter_nltk_tofu_words.tsv");
        List<String> lines = Files.readAllLines(tsv);
        List<String> mismatches = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t");
            String got = PorterStemmer.stem(f[0]);
            if (!got.equals(f[1])) mismatches.add(f[0] + ": expected " + f[1] + ", got " + got);
        }
        assertTrue(lines.size() > 12000, "conformance file too short");
        assertEquals(List.of(), mismatches);
    }

    /** Textbook and NLTK-extension cases that pin individual rules, independent of the shared data. */
    @Test
    void pinsIndividualRules() {
        String[][] cases = {
                {"caresses", "caress"}, {"ponies", "poni"}, {"ties", "tie"}, {"cats", "cat"},
                {"feed", "feed"}, {"agreed", "agre"}, {"plastered", "plaster"}, {"bled", "bled"},
                {"motoring", "motor"}, {"sing", "sing"}, {"hopping", "hop"}, {"falling", "fall"},
                {"filing", "file"}, {"happy", "happi"}, {"enjoy", "enjoy"}, {"spied", "spi"},
                {"died", "die"}, {"dying", "die"}, {"skies", "sky"}, {"news", "news"},
                {"generalization", "gener"}, {"geology", "geolog"}, {"hopefulness", "hope"},
                {"relational", "relat"}, {"controlling", "control"}, {"roll", "roll"},
                {"by", "by"}, {"a", "a"}, {"Running", "run"}};
        for (String[] c : cases) assertEquals(c[1], PorterStemmer.stem(c[0]), c[0]);
    }

    @Property(tries = 2000)
    void stemsOfAlphanumericWordsAreNonEmptyAlphanumeric(
            @ForAll @CharRange(from = 'a', to = 'z') @Chars({'0', '1', '9'}) @StringLength(min = 1, max = 14) String w) {
        String s = PorterStemmer.stem(w);
        assertTrue(s.matches("[a-z0-9]+"), w + " -> " + s);
        assertTrue(s.length() <= w.length() + 1, w + " -> " + s);
    }
}
