package dev.pmcj.transformer.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * Text to token ids and back. {@link #encode} adds no bos/eos; {@link #decode} renders text and leaves
 * special tokens (bos, eos, pad, ...) out. Implementations are immutable and thread-safe.
 */
public sealed interface Tokenizer permits Llama2cTokenizer, BpeTokenizer {

    int[] encode(String text);

    String decode(int... ids);

    int vocabSize();

    OptionalInt bosId();

    OptionalInt eosId();

    /** The vocabulary string of one id, as the file spells it ("Ġthe", "▁the", "<0x0A>"); for debugging. */
    String tokenText(int id);

    /** The id whose vocabulary string is exactly {@code tokenText} (e.g. "<|pad|>"), if any. */
    OptionalInt idOf(String tokenText);

    /**
     * Loads a tokenizer, telling the kind from the file: a Hugging Face tokenizer.json (a JSON object with
     * "model"), GPT-2's encoder.json (with vocab.bpe beside it) or vocab.bpe (with encoder.json beside it),
     * otherwise llama2.c's tokenizer.bin. A directory is searched for tokenizer.json, encoder.json, tokenizer.bin.
     *
     * @throws TokenizerFileException naming the file and what is wrong with it
     */
    static Tokenizer load(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            for (String name : List.of("tokenizer.json", "encoder.json", "tokenizer.bin")) {
                if (Files.isRegularFile(path.resolve(name))) return load(path.resolve(name));
            }
            throw new TokenizerFileException(path, "directory holds none of tokenizer.json, encoder.json, tokenizer.bin");
        }
        if (!Files.isRegularFile(path)) throw new TokenizerFileException(path, "no such file");
        int first = firstNonBlankByte(path);
        if (first == -1) throw new TokenizerFileException(path, "file is empty");
        if (first == '{') return TokenizerJson.load(path);
        if (first == '#' || path.getFileName().toString().endsWith(".bpe")) {
            return Gpt2Files.load(path.resolveSibling("encoder.json"), path);
        }
        return Llama2cTokenizer.load(path);
    }

    private static int firstNonBlankByte(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            int b;
            do {
                b = in.read();
            } while (b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == 0xEF || b == 0xBB || b == 0xBF);
            return b;
        }
    }
}
