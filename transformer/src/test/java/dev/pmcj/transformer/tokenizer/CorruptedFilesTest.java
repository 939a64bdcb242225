package dev.pmcj.transformer.tokenizer;

import dev.pmcj.testsupport.SharedData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every loader, fed corrupted copies of real files (truncated, bytes flipped, a huge or negative length
 * written over 4 bytes), either loads a working tokenizer or throws IOException/IllegalArgumentException
 * naming the file; never another exception, an OutOfMemoryError or a hang.
 */
class CorruptedFilesTest {
    /** The original bytes of each file kind, and the name the corrupted copy gets. */
    private enum Source {
        LLAMA2C("tok512.bin"), ENCODER_JSON("encoder.json"), VOCAB_BPE("vocab.bpe"), TOKENIZER_JSON("tokenizer.json");

        final String name;
        byte[] bytes;

        Source(String name) {
            this.name = name;
        }
    }

    /** One corruption: cut at a fraction of the file, or write 1-4 bytes at a fraction of the file. */
    record Corruption(Kind kind, double where, int value) {
        enum Kind { TRUNCATE, FLIP_BYTE, INT_LE }

        byte[] apply(byte[] original) {
            int at = (int) (where * original.length);
            if (kind == Kind.TRUNCATE) return java.util.Arrays.copyOf(original, at);
            byte[] out = original.clone();
            if (kind == Kind.FLIP_BYTE) {
                out[Math.min(at, out.length - 1)] ^= (byte) (1 + (value & 0x7F));
            } else {
                for (int i = 0; i < 4 && at + i < out.length; i++) out[at + i] = (byte) (value >>> (8 * i));
            }
            return out;
        }
    }

    private static Path dir;

    @BeforeContainer
    static void readOriginals() throws IOException {
        dir = Files.createTempDirectory("corrupt-tokenizers");
        Source.LLAMA2C.bytes = Files.readAllBytes(SharedData.require("models/stories260K/tok512.bin"));
        Path gpt2 = SharedData.require("tokenizers/gpt2/encoder.json");
        Source.ENCODER_JSON.bytes = Files.readAllBytes(gpt2);
        Source.VOCAB_BPE.bytes = Files.readAllBytes(gpt2.resolveSibling("vocab.bpe"));
        Path json = dir.resolve("trained.json");
        BpeTrainerTest.trained().save(json);
        Source.TOKENIZER_JSON.bytes = Files.readAllBytes(json);
    }

    @AfterContainer
    static void removeCopies() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Provide
    Arbitrary<Corruption> corruptions() {
        Arbitrary<Integer> values = Arbitraries.oneOf(Arbitraries.of(Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0x7FFF_FFF0, 1 << 30),
                Arbitraries.integers());
        return Combinators.combine(Arbitraries.of(Corruption.Kind.class), Arbitraries.doubles().between(0, 1), values)
                .as(Corruption::new);
    }

    @Property(tries = 120)
    void llama2cTokenizerBin(@ForAll("corruptions") Corruption c) throws IOException {
        check(Source.LLAMA2C, c, null);
    }

    // GPT-2's files take a good fraction of a second to parse, hence fewer tries.
    @Property(tries = 15)
    void gpt2EncoderJson(@ForAll("corruptions") Corruption c) throws IOException {
        check(Source.ENCODER_JSON, c, Source.VOCAB_BPE);
    }

    @Property(tries = 15)
    void gpt2VocabBpe(@ForAll("corruptions") Corruption c) throws IOException {
        check(Source.VOCAB_BPE, c, Source.ENCODER_JSON);
    }

    @Property(tries = 120)
    void huggingFaceTokenizerJson(@ForAll("corruptions") Corruption c) throws IOException {
        check(Source.TOKENIZER_JSON, c, null);
    }

    private static void check(Source source, Corruption c, Source sibling) throws IOException {
        Path folder = Files.createTempDirectory(dir, "case");
        Path file = folder.resolve(source.name);
        Files.write(file, c.apply(source.bytes));
        if (sibling != null) Files.write(folder.resolve(sibling.name), sibling.bytes);
        Tokenizer t;
        try {
            t = Tokenizer.load(file);
        } catch (IOException | IllegalArgumentException e) {
            assertTrue(e.getMessage().contains(folder.toString()), "message should name the file: " + e.getMessage());
            return;
        } catch (RuntimeException | Error e) {
            fail(source + " " + c + " threw " + e, e);
            return;
        }
        // Whatever loads must work: ids inside the vocabulary, and decoding them succeeds.
        int[] ids = t.encode("Hello world, héllo 日本 🚀\n<|endoftext|>");
        for (int id : ids) assertTrue(id >= 0 && id < t.vocabSize(), source + " " + c + " produced id " + id);
        t.decode(ids);
    }

    @Test
    void messagesNameTheFileAndTheProblem(@TempDir Path folder) throws IOException {
        Path bin = folder.resolve("tokenizer.bin");
        Files.write(bin, new byte[] {7, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});
        assertMessage(bin, "token 0 at byte 8 has length 2147483647");
        Path json = folder.resolve("tokenizer.json");
        Files.writeString(json, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0,}}}");
        assertMessage(json, "malformed JSON at line 1");
        Files.writeString(json, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 5}, \"merges\": []}}");
        assertMessage(json, "token ids are not contiguous");
        Files.writeString(json, "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
        assertMessage(json, "model type WordPiece is not supported");
        Path encoder = folder.resolve("encoder.json");
        Files.writeString(encoder, "{\"a\": 0}");
        assertMessage(folder.resolve("vocab.bpe"), "missing");
        Files.writeString(folder.resolve("vocab.bpe"), "#version: 0.2\na b c\n");
        assertMessage(folder.resolve("vocab.bpe"), "line 2 is not two tokens");
        Files.writeString(folder.resolve("empty.bin"), "");
        assertMessage(folder.resolve("empty.bin"), "file is empty");
    }

    private static void assertMessage(Path file, String problem) {
        IOException e = assertThrows(IOException.class, () -> Tokenizer.load(file.getFileName().toString().equals("vocab.bpe")
                ? file.resolveSibling("encoder.json") : file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(problem), e.getMessage());
    }
}
