package dev.pmcj.transformer.tokenizer;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class Llama2cTokenizerTest {
    private static final String DIR = "models/stories260K/";

    private static Llama2cTokenizer loaded;

    static synchronized Llama2cTokenizer tok512() throws IOException {
        if (loaded == null) loaded = assertInstanceOf(Llama2cTokenizer.class, Tokenizer.load(SharedData.require(DIR + "tok512.bin")));
        return loaded;
    }

    private static JsonNode golden() throws IOException {
        return new ObjectMapper().readTree(SharedData.require(DIR + "golden_reference.json").toFile());
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).intValue();
        return out;
    }

    @Test
    void encodesOnceUponATimeAsRunC() throws IOException {
        int[] expected = ints(golden().get("encode_Once_upon_a_time_with_bos"));
        assertArrayEquals(expected, tok512().encode("Once upon a time", true, false));
        assertArrayEquals(Arrays.copyOfRange(expected, 1, expected.length), tok512().encode("Once upon a time"));
    }

    @Test
    void decodesTheGreedyGoldenIdsToTheGoldenText() throws IOException {
        JsonNode g = golden();
        int[] ids = ints(g.get("greedy_from_bos_256_ids"));
        String text = g.get("greedy_from_bos_256_text").asText();
        assertEquals(text, tok512().decode(ids));
        int[] withBos = new int[ids.length + 1];
        withBos[0] = Llama2cTokenizer.BOS;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        assertEquals(text, tok512().decode(withBos));
    }

    @Test
    void emptyTextHasNoDummyPrefix() throws IOException {
        assertArrayEquals(new int[0], tok512().encode(""));
        assertArrayEquals(new int[] {1, 2}, tok512().encode("", true, true));
        assertEquals(512, tok512().vocabSize());
        assertEquals(1, tok512().bosId().orElseThrow());
        assertEquals(2, tok512().eosId().orElseThrow());
    }

    @Property(tries = 300)
    void roundTripsAscii(@ForAll("ascii") String s) throws IOException {
        Llama2cTokenizer t = tok512();
        assertEquals(s, t.decode(t.encode(s)));
        assertEquals(s, t.decode(t.encode(s, true, true)));
    }

    @Property(tries = 300)
    void encodeEqualsRunCsQuadraticLoop(@ForAll("mixed") String s) throws IOException {
        Llama2cTokenizer t = tok512();
        assertArrayEquals(runCEncode(t, s, true), t.encode(s, true, false));
    }

    @Provide
    Arbitrary<String> ascii() {
        return Arbitraries.strings().ascii().ofMaxLength(60);
    }

    /** Mostly text-like ASCII with some non-ASCII characters to exercise byte fallback. */
    @Provide
    Arbitrary<String> mixed() {
        return Texts.storyLike();
    }

    /** run.c's encode, written out literally: scan all pairs, merge the best-scoring one, repeat. */
    static int[] runCEncode(Llama2cTokenizer t, String text, boolean bos) {
        List<Integer> tokens = new ArrayList<>();
        if (bos) tokens.add(1);
        if (!text.isEmpty()) tokens.add(t.idOf(" ").orElseThrow());
        text.codePoints().forEach(cp -> {
            String ch = new String(Character.toChars(cp));
            var id = t.idOf(ch);
            if (id.isPresent()) tokens.add(id.getAsInt());
            else for (byte b : ch.getBytes(StandardCharsets.UTF_8)) tokens.add((b & 0xFF) + 3);
        });
        while (true) {
            float best = -1e10f;
            int bestId = -1;
            int bestIdx = -1;
            for (int i = 0; i + 1 < tokens.size(); i++) {
                var id = t.idOf(t.tokenText(tokens.get(i)) + t.tokenText(tokens.get(i + 1)));
                if (id.isPresent() && t.score(id.getAsInt()) > best) {
                    best = t.score(id.getAsInt());
                    bestId = id.getAsInt();
                    bestIdx = i;
                }
            }
            if (bestIdx < 0) break;
            tokens.set(bestIdx, bestId);
            tokens.remove(bestIdx + 1);
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }
}
