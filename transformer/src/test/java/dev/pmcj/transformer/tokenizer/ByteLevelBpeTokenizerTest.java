package dev.pmcj.transformer.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmcj.testsupport.SharedData;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteLevelBpeTokenizerTest {
    private static ByteLevelBpeTokenizer gpt2;

    static synchronized ByteLevelBpeTokenizer gpt2() throws IOException {
        if (gpt2 == null) {
            gpt2 = assertInstanceOf(ByteLevelBpeTokenizer.class, Tokenizer.load(SharedData.require("tokenizers/gpt2/encoder.json")));
        }
        return gpt2;
    }

    @Test
    void everyGpt2ConformanceCaseEncodesToTheExpectedIds() throws IOException {
        List<String> mismatches = new ArrayList<>();
        for (Conformance c : Conformance.cases("baseline_openai-community__gpt2.json")) {
            int[] ids = gpt2().encode(c.text());
            if (!Arrays.equals(c.ids(), ids)) mismatches.add(c.id() + ": expected " + Arrays.toString(c.ids()) + " got " + Arrays.toString(ids));
            List<String> tokens = Arrays.stream(ids).mapToObj(gpt2()::tokenText).toList();
            if (Arrays.equals(c.ids(), ids)) assertEquals(c.tokens(), tokens, c.id());
            assertEquals(c.text(), gpt2().decode(c.ids()), c.id());
        }
        assertEquals(List.of(), mismatches);
    }

    @Test
    void swiftTransformersGpt2Paragraph() throws IOException {
        Map<String, Object> s = Conformance.swiftGpt2();
        assertArrayEquals((int[]) s.get("ids"), gpt2().encode((String) s.get("text")));
        assertEquals(s.get("decoded"), gpt2().decode((int[]) s.get("ids")));
    }

    @Test
    void endOfTextIsSpecialBosAndEos() throws IOException {
        ByteLevelBpeTokenizer t = gpt2();
        assertEquals(50257, t.vocabSize());
        assertEquals(50256, t.bosId().orElseThrow());
        assertEquals(50256, t.eosId().orElseThrow());
        assertArrayEquals(new int[] {31373, 50256, 6894}, t.encode("hello<|endoftext|>world"));
        assertEquals("helloworld", t.decode(31373, 50256, 6894));
    }

    @Test
    void loadsFromVocabBpeAndFromTheDirectory() throws IOException {
        Path encoder = SharedData.require("tokenizers/gpt2/encoder.json");
        String text = "The quick brown fox";
        assertArrayEquals(gpt2().encode(text), Tokenizer.load(encoder.resolveSibling("vocab.bpe")).encode(text));
        assertArrayEquals(gpt2().encode(text), Tokenizer.load(encoder.getParent()).encode(text));
    }

    /** Saved as tokenizer.json (GPT-2 form), and rewritten in Llama-3/Qwen2 form (Split + ByteLevel without regex). */
    @Test
    void tokenizerJsonFormsEncodeLikeTheOriginalFiles(@TempDir Path dir) throws IOException {
        Path saved = dir.resolve("tokenizer.json");
        gpt2().save(saved);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(saved.toFile());
        ObjectNode seq = root.putObject("pre_tokenizer").put("type", "Sequence");
        ObjectNode split = seq.putArray("pretokenizers").addObject().put("type", "Split");
        split.putObject("pattern").put("Regex", ByteLevelOptions.GPT2_REGEX);
        split.put("behavior", "Isolated").put("invert", false);
        ((com.fasterxml.jackson.databind.node.ArrayNode) seq.get("pretokenizers")).addObject().put("type", "ByteLevel")
                .put("add_prefix_space", false).put("use_regex", false);
        Path splitForm = Files.createDirectory(dir.resolve("split")).resolve("tokenizer.json");
        mapper.writeValue(splitForm.toFile(), root);
        for (Path file : List.of(saved, splitForm)) {
            Tokenizer t = Tokenizer.load(file);
            assertInstanceOf(ByteLevelBpeTokenizer.class, t);
            assertEquals(50257, t.vocabSize());
            assertEquals(50256, t.eosId().orElseThrow());
            for (Conformance c : Conformance.cases("baseline_openai-community__gpt2.json")) {
                assertArrayEquals(c.ids(), t.encode(c.text()), file + " " + c.id());
            }
        }
    }

    /**
     * Qwen2's Split regex (no Qwen files here): every pre-token boundary it makes must be a boundary
     * between the tokens Hugging Face produced for Qwen2.5, on every conformance input.
     */
    @Test
    void qwen2RegexBoundariesAgreeWithQwenTokens() throws IOException {
        String qwenRegex = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
        var pattern = new ByteLevelOptions(java.text.Normalizer.Form.NFC, qwenRegex, false, false).compile();
        for (Conformance c : Conformance.cases("baseline_Qwen__Qwen2.5-0.5B.json")) {
            java.util.Set<Integer> tokenEnds = new java.util.HashSet<>();
            int at = 0;
            for (String token : c.tokens()) {
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                ByteLevel.decodeInto(token, b);
                at += b.size();
                tokenEnds.add(at);
            }
            String text = java.text.Normalizer.normalize(c.text(), java.text.Normalizer.Form.NFC);
            int[] pos = {0};
            List<Integer> wordEnds = new ArrayList<>();
            ByteLevelOptions.splitWords(pattern, text, w -> {
                pos[0] += w.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                wordEnds.add(pos[0]);
            });
            assertEquals(at, pos[0], c.id());
            for (int end : wordEnds) assertTrue(tokenEnds.contains(end), c.id() + ": pre-token boundary at byte " + end + " splits a Qwen token");
        }
    }

    @Property(tries = 300)
    void roundTripsUnicode(@ForAll("unicode") String s) throws IOException {
        assertEquals(s, gpt2().decode(gpt2().encode(s)));
    }

    @Provide
    Arbitrary<String> unicode() {
        return Texts.unicode();
    }
}
