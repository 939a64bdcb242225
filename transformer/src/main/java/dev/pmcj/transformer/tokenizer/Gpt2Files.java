package dev.pmcj.transformer.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** OpenAI's GPT-2 files: encoder.json (token -> id) and vocab.bpe (one merge per line, "#version" first). */
final class Gpt2Files {
    private static final String END_OF_TEXT = "<|endoftext|>";

    private Gpt2Files() {
    }

    static ByteLevelBpeTokenizer load(Path encoderJson, Path vocabBpe) throws IOException {
        if (!Files.isRegularFile(encoderJson)) throw new TokenizerFileException(encoderJson, "missing: GPT-2's encoder.json must sit beside vocab.bpe");
        return load(encoderJson, TokenizerJson.readTree(encoderJson), vocabBpe);
    }

    static ByteLevelBpeTokenizer load(Path encoderJson, JsonNode root, Path vocabBpe) throws IOException {
        if (!Files.isRegularFile(vocabBpe)) throw new TokenizerFileException(vocabBpe, "missing: GPT-2's vocab.bpe must sit beside encoder.json");
        Map<String, Integer> encoder = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            JsonNode v = e.getValue();
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new TokenizerFileException(encoderJson, "value of \"" + e.getKey() + "\" must be an integer id, got " + v);
            }
            encoder.put(e.getKey(), v.intValue());
        }
        // Hugging Face treats <|endoftext|> as a special token matched in text; so do we.
        List<AddedToken> added = encoder.containsKey(END_OF_TEXT)
                ? List.of(new AddedToken(END_OF_TEXT, encoder.get(END_OF_TEXT), true)) : List.of();
        Vocab vocab = Vocab.fromFile(encoderJson, encoder, added);
        BpeModel bpe = BpeModel.fromFile(vocabBpe, vocab, readMerges(vocabBpe));
        AddedTokens addedTokens = new AddedTokens(added);
        try {
            return new ByteLevelBpeTokenizer(bpe, addedTokens, ByteLevelOptions.GPT2, addedTokens.conventionalBos(), addedTokens.conventionalEos());
        } catch (IllegalArgumentException e) {
            throw new TokenizerFileException(encoderJson, e.getMessage(), e);
        }
    }

    private static List<String[]> readMerges(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new TokenizerFileException(file, "not valid UTF-8", e);
        }
        List<String[]> merges = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if ((i == 0 && line.startsWith("#version")) || line.isEmpty()) continue;
            String[] pair = line.split(" ", -1);
            if (pair.length != 2 || pair[0].isEmpty() || pair[1].isEmpty()) {
                throw new TokenizerFileException(file, "line " + (i + 1) + " is not two tokens separated by one space: '" + line + "'");
            }
            merges.add(pair);
        }
        return merges;
    }
}
