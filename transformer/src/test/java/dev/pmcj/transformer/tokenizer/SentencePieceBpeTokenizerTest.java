package dev.pmcj.transformer.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * No Llama-2/TinyLlama tokenizer.json is in the shared data, so the stories260K SentencePiece vocabulary
 * (tok512.bin) is converted to one the way Hugging Face converts SentencePiece models (TinyLlama's
 * normalizer, byte fallback, merges ranked by the merged piece's score), and the result must tokenize
 * exactly like llama2.c's run.c does with the original file.
 */
class SentencePieceBpeTokenizerTest {
    private static SentencePieceBpeTokenizer converted;

    static synchronized SentencePieceBpeTokenizer converted() throws IOException {
        if (converted == null) {
            Path dir = Files.createTempDirectory("sp-tokenizer");
            Path file = dir.resolve("tokenizer.json");
            new ObjectMapper().writeValue(file.toFile(), tinyLlamaStyleJson(Llama2cTokenizerTest.tok512()));
            converted = assertInstanceOf(SentencePieceBpeTokenizer.class, Tokenizer.load(file));
            Files.delete(file);
            Files.delete(dir);
        }
        return converted;
    }

    static ObjectNode tinyLlamaStyleJson(Llama2cTokenizer t) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        List<String> pieces = new ArrayList<>();
        for (int id = 0; id < t.vocabSize(); id++) {
            String piece = switch (id) {
                case 0 -> "<unk>";
                case 1 -> "<s>";
                case 2 -> "</s>";
                default -> t.tokenText(id).replace(' ', '▁');
            };
            pieces.add(piece);
            if (id < 3) added.addObject().put("id", id).put("content", piece).put("special", true);
        }
        ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
        ArrayNode steps = normalizer.putArray("normalizers");
        steps.addObject().put("type", "Prepend").put("prepend", "▁");
        ObjectNode replace = steps.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", "▁");
        root.putNull("pre_tokenizer");
        ObjectNode model = root.putObject("model").put("type", "BPE").put("unk_token", "<unk>").put("fuse_unk", true)
                .put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < pieces.size(); id++) vocab.put(pieces.get(id), id);
        // Hugging Face's SentencePiece extractor: every split of a piece into two pieces, by the piece's score.
        record Merge(String left, String right, float score, int id) {
        }
        List<Merge> merges = new ArrayList<>();
        for (int id = 3; id < pieces.size(); id++) {
            String p = pieces.get(id);
            for (int k = 1; k < p.length(); k++) {
                int l = pieces.indexOf(p.substring(0, k));
                int r = pieces.indexOf(p.substring(k));
                if (l >= 3 && r >= 3) merges.add(new Merge(p.substring(0, k), p.substring(k), t.score(id), id));
            }
        }
        merges.sort(Comparator.comparing((Merge m) -> -m.score).thenComparingInt(Merge::id));
        ArrayNode mergesJson = model.putArray("merges");
        merges.forEach(m -> mergesJson.add(m.left + " " + m.right));
        return root;
    }

    @Property(tries = 300)
    void encodesAndDecodesLikeRunC(@ForAll("text") String s) throws IOException {
        Llama2cTokenizer runC = Llama2cTokenizerTest.tok512();
        int[] expected = runC.encode(s);
        assertArrayEquals(expected, converted().encode(s));
        assertEquals(runC.decode(expected), converted().decode(expected));
        assertEquals(s, converted().decode(converted().encode(s)));
    }

    @Provide
    Arbitrary<String> text() {
        return Texts.storyLike();
    }

    @Test
    void specialTokensInTextAreMatchedAndSkippedByDecode() throws IOException {
        SentencePieceBpeTokenizer t = converted();
        assertEquals(1, t.bosId().orElseThrow());
        assertEquals(2, t.eosId().orElseThrow());
        int[] ids = t.encode("Once<s>upon");
        int[] once = t.encode("Once");
        int[] upon = t.encode("upon");
        // The Prepend normalizer runs on each text run between added tokens, as in Hugging Face.
        int[] expected = new int[once.length + 1 + upon.length];
        System.arraycopy(once, 0, expected, 0, once.length);
        expected[once.length] = 1;
        System.arraycopy(upon, 0, expected, once.length + 1, upon.length);
        assertArrayEquals(expected, ids);
        assertEquals("Once upon", t.decode(ids));
        assertEquals("<0x0A>", t.tokenText(t.encode("\n")[1]));
    }
}
