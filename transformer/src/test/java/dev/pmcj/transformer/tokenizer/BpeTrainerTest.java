package dev.pmcj.transformer.tokenizer;

import dev.pmcj.testsupport.SharedData;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpeTrainerTest {
    private static final List<String> CORPUS = List.of(
            "The quick brown fox jumps over the lazy dog.<|endoftext|>",
            "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.",
            "Lily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do.",
            "日本語の形態素解析は難しい問題です。 café — naïve façade, 12:34 and 2.71828!",
            "aaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbb abababababab");
    private static ByteLevelBpeTokenizer trained;

    static synchronized ByteLevelBpeTokenizer trained() {
        if (trained == null) trained = BpeTrainer.train(CORPUS, 400);
        return trained;
    }

    @Test
    void vocabularyHasTheRequestedSizeWithSpecialTokensLast() {
        ByteLevelBpeTokenizer t = trained();
        assertEquals(400, t.vocabSize());
        assertEquals(398, t.eosId().orElseThrow());
        assertEquals(398, t.bosId().orElseThrow());
        assertEquals("<|endoftext|>", t.tokenText(398));
        assertEquals(399, t.idOf("<|pad|>").orElseThrow());
        assertEquals("Ġ", t.tokenText(' '));
        int[] ids = t.encode("the park<|endoftext|>");
        assertEquals(398, ids[ids.length - 1]);
        assertEquals("the park", t.decode(ids));
    }

    /** The incremental trainer makes exactly the merges of a trainer that recounts every pair each step. */
    @Test
    void mergesEqualThoseOfANaiveRecountingTrainer() {
        List<String> naive = naiveMerges(CORPUS, 400 - 256 - 2);
        List<String> actual = new ArrayList<>();
        for (int id = 256; id < 398; id++) actual.add(trained().tokenText(id));
        assertEquals(naive, actual);
    }

    @Test
    void trainingIsDeterministic() {
        ByteLevelBpeTokenizer again = BpeTrainer.train(new ArrayList<>(CORPUS), 400);
        for (int id = 0; id < 400; id++) assertEquals(trained().tokenText(id), again.tokenText(id));
    }

    @Test
    void stopsEarlyWhenNoPairIsLeftAndRejectsTooSmallSizes() {
        ByteLevelBpeTokenizer tiny = BpeTrainer.train(List.of("abc"), 1000, List.of("<|endoftext|>"));
        assertEquals(256 + 2 + 1, tiny.vocabSize());
        assertArrayEquals(new int[] {257}, tiny.encode("abc"));
        assertEquals(258, tiny.eosId().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(CORPUS, 257));
    }

    @Test
    void savesAndLoadsAsTokenizerJson(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        trained().save(file);
        assertEquals(List.of(file), Files.list(dir).toList(), "no temp file left behind");
        Tokenizer loaded = assertInstanceOf(ByteLevelBpeTokenizer.class, Tokenizer.load(file));
        assertEquals(trained().vocabSize(), loaded.vocabSize());
        assertEquals(trained().eosId(), loaded.eosId());
        assertEquals(trained().bosId(), loaded.bosId());
        for (int id = 0; id < loaded.vocabSize(); id++) assertEquals(trained().tokenText(id), loaded.tokenText(id));
        for (String text : CORPUS) assertArrayEquals(trained().encode(text), loaded.encode(text));
        trained().save(file); // overwriting works too
        assertArrayEquals(trained().encode(CORPUS.get(1)), Tokenizer.load(file).encode(CORPUS.get(1)));
    }

    @Test
    void trainsOnWikitextAndCompressesIt() throws IOException {
        List<String> lines = Files.readAllLines(SharedData.require("wikitext2/wiki.test.raw")).subList(0, 400);
        ByteLevelBpeTokenizer t = BpeTrainer.train(lines, 1000);
        assertEquals(1000, t.vocabSize());
        long bytes = 0;
        long tokens = 0;
        for (String line : lines) {
            bytes += line.getBytes(StandardCharsets.UTF_8).length;
            tokens += t.encode(line).length;
            assertEquals(line, t.decode(t.encode(line)));
        }
        assertTrue(bytes > 2.5 * tokens, "1000 tokens should compress training text over 2.5 bytes/token, got " + (double) bytes / tokens);
    }

    @Property(tries = 300)
    void roundTripsUnicode(@ForAll("unicode") String s) {
        assertEquals(s, trained().decode(trained().encode(s)));
    }

    @Provide
    Arbitrary<String> unicode() {
        return Texts.unicode();
    }

    /** Merges as token strings, from the textbook algorithm: recount all pairs of all words every step. */
    static List<String> naiveMerges(List<String> corpus, int count) {
        var split = ByteLevelOptions.GPT2.compile();
        Map<String, Integer> wordCounts = new TreeMap<>();
        for (String text : corpus) {
            for (String segment : text.split("<\\|endoftext\\|>")) {
                ByteLevelOptions.splitWords(split, segment, w -> wordCounts.merge(w, 1, Integer::sum));
            }
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        wordCounts.forEach((w, c) -> {
            List<String> symbols = new ArrayList<>();
            for (byte b : w.getBytes(StandardCharsets.UTF_8)) symbols.add(ByteLevel.encode(new byte[] {b}));
            words.add(symbols);
            counts.add(c);
        });
        List<String> vocab = new ArrayList<>();
        for (int b = 0; b < 256; b++) vocab.add(ByteLevel.encode(new byte[] {(byte) b}));
        List<String> out = new ArrayList<>();
        while (out.size() < count) {
            Map<List<String>, Integer> pairs = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                for (int i = 0; i + 1 < words.get(w).size(); i++) pairs.merge(List.of(words.get(w).get(i), words.get(w).get(i + 1)), counts.get(w), Integer::sum);
            }
            List<String> best = null;
            for (var e : pairs.entrySet()) {
                if (best == null || e.getValue() > pairs.get(best) || (e.getValue().equals(pairs.get(best)) && less(e.getKey(), best))) best = e.getKey();
            }
            if (best == null) break;
            String merged = best.get(0) + best.get(1);
            if (!vocab.contains(merged)) {
                vocab.add(merged);
                out.add(merged);
            }
            for (List<String> symbols : words) {
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    if (symbols.get(i).equals(best.get(0)) && symbols.get(i + 1).equals(best.get(1))) {
                        symbols.set(i, merged);
                        symbols.remove(i + 1);
                    }
                }
            }
        }
        return out;
    }

    private static boolean less(List<String> a, List<String> b) {
        int c = Arrays.compareUnsigned(bytes(a.get(0)), bytes(b.get(0)));
        return c != 0 ? c < 0 : Arrays.compareUnsigned(bytes(a.get(1)), bytes(b.get(1))) < 0;
    }

    private static byte[] bytes(String byteLevelToken) {
        var out = new java.io.ByteArrayOutputStream();
        ByteLevel.decodeInto(byteLevelToken, out);
        return out.toByteArray();
    }
}
