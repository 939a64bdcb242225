package dev.pmcj.transformer.tokenizer;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and writes Hugging Face tokenizer.json files (BPE models only): the byte-level kind (GPT-2,
 * Llama-3, Qwen2) and the SentencePiece kind (Llama-2, TinyLlama). Configurations outside those are
 * refused with a message rather than tokenized differently.
 */
final class TokenizerJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private TokenizerJson() {
    }

    static JsonNode readTree(Path file) throws IOException {
        try {
            JsonNode root = MAPPER.readTree(file.toFile());
            if (root == null || !root.isObject()) throw new TokenizerFileException(file, "expected a JSON object");
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new TokenizerFileException(file, "malformed JSON" + where + ": " + e.getOriginalMessage(), e);
        }
    }

    static Tokenizer load(Path file) throws IOException {
        JsonNode root = readTree(file);
        // encoder.json is a flat token -> id object (and holds a token "model", hence the isObject test).
        if (!root.path("model").isObject()) return Gpt2Files.load(file, root, file.resolveSibling("vocab.bpe"));
        Reader r = new Reader(file);
        JsonNode model = r.object(root, "model");
        String type = model.path("type").asText("BPE");
        if (!type.equals("BPE")) throw new TokenizerFileException(file, "model type " + type + " is not supported (only BPE)");
        for (String field : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            if (!model.path(field).asText("").isEmpty()) throw new TokenizerFileException(file, "model." + field + " is not supported");
        }
        List<AddedToken> added = r.addedTokens(root.path("added_tokens"));
        Vocab vocab = Vocab.fromFile(file, r.stringToInt(r.object(model, "vocab"), "model.vocab"), added);
        BpeModel bpe = BpeModel.fromFile(file, vocab, r.merges(model.path("merges")));
        AddedTokens addedTokens = new AddedTokens(added);
        OptionalInt[] bosEos = specialIds(file, addedTokens, vocab);

        List<JsonNode> pre = flatten(root.path("pre_tokenizer"));
        List<JsonNode> norm = flatten(root.path("normalizer"));
        if (pre.stream().anyMatch(n -> n.path("type").asText().equals("ByteLevel"))) {
            ByteLevelOptions options = r.byteLevelOptions(pre, norm, model.path("ignore_merges").asBoolean(false));
            return r.check(() -> new ByteLevelBpeTokenizer(bpe, addedTokens, options, bosEos[0], bosEos[1]));
        }
        SentencePieceOptions options = r.sentencePieceOptions(pre, norm, model, vocab);
        return r.check(() -> new SentencePieceBpeTokenizer(bpe, addedTokens, options, bosEos[0], bosEos[1]));
    }

    /** bos/eos from tokenizer_config.json beside the file when present, else by conventional names. */
    private static OptionalInt[] specialIds(Path file, AddedTokens added, Vocab vocab) throws IOException {
        Path config = file.resolveSibling("tokenizer_config.json");
        if (!Files.isRegularFile(config)) return new OptionalInt[] {added.conventionalBos(), added.conventionalEos()};
        JsonNode root = readTree(config);
        return new OptionalInt[] {configToken(root.path("bos_token"), vocab), configToken(root.path("eos_token"), vocab)};
    }

    private static OptionalInt configToken(JsonNode node, Vocab vocab) {
        String content = node.isTextual() ? node.asText() : node.path("content").asText(null);
        return content == null ? OptionalInt.empty() : vocab.id(content);
    }

    private static List<JsonNode> flatten(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) return out;
        if (node.path("type").asText().equals("Sequence")) {
            JsonNode parts = node.has("pretokenizers") ? node.path("pretokenizers") : node.path("normalizers");
            for (JsonNode part : parts) out.addAll(flatten(part));
        } else {
            out.add(node);
        }
        return out;
    }

    /** Field access that reports the file and the field on any surprise. */
    private record Reader(Path file) {
        interface Build<T> {
            T build();
        }

        <T> T check(Build<T> build) throws TokenizerFileException {
            try {
                return build.build();
            } catch (IllegalArgumentException e) {
                throw new TokenizerFileException(file, e.getMessage(), e);
            }
        }

        JsonNode object(JsonNode parent, String field) throws TokenizerFileException {
            JsonNode node = parent.path(field);
            if (!node.isObject()) throw new TokenizerFileException(file, "\"" + field + "\" must be a JSON object");
            return node;
        }

        Map<String, Integer> stringToInt(JsonNode obj, String what) throws TokenizerFileException {
            Map<String, Integer> out = LinkedHashMap.newLinkedHashMap(obj.size());
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber()) {
                    throw new TokenizerFileException(file, what + "[\"" + e.getKey() + "\"] must be an integer id, got " + e.getValue());
                }
                out.put(e.getKey(), e.getValue().intValue());
            }
            return out;
        }

        List<String[]> merges(JsonNode node) throws TokenizerFileException {
            if (!node.isArray()) throw new TokenizerFileException(file, "model.merges must be an array");
            List<String[]> out = new ArrayList<>(node.size());
            for (JsonNode m : node) {
                String[] pair;
                if (m.isTextual()) {
                    pair = m.asText().split(" ", -1);
                } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
                    pair = new String[] {m.get(0).asText(), m.get(1).asText()};
                } else {
                    pair = new String[0];
                }
                if (pair.length != 2) throw new TokenizerFileException(file, "merge " + (out.size() + 1) + " is not a pair of tokens: " + m);
                out.add(pair);
            }
            return out;
        }

        List<AddedToken> addedTokens(JsonNode node) throws TokenizerFileException {
            List<AddedToken> out = new ArrayList<>();
            if (node.isMissingNode() || node.isNull()) return out;
            if (!node.isArray()) throw new TokenizerFileException(file, "added_tokens must be an array");
            for (JsonNode t : node) {
                if (!t.path("content").isTextual() || !t.path("id").canConvertToInt() || !t.path("id").isIntegralNumber()) {
                    throw new TokenizerFileException(file, "added token needs a text \"content\" and an integer \"id\": " + t);
                }
                String content = t.path("content").asText();
                int id = t.path("id").intValue();
                out.add(check(() -> new AddedToken(content, id, t.path("special").asBoolean(false))));
            }
            return out;
        }

        ByteLevelOptions byteLevelOptions(List<JsonNode> pre, List<JsonNode> norm, boolean ignoreMerges) throws TokenizerFileException {
            Normalizer.Form form = null;
            for (JsonNode n : norm) {
                try {
                    form = Normalizer.Form.valueOf(n.path("type").asText());
                } catch (IllegalArgumentException e) {
                    throw unsupported("normalizer", n);
                }
            }
            String regex = null;
            boolean prefixSpace = false;
            for (JsonNode p : pre) {
                switch (p.path("type").asText()) {
                    case "ByteLevel" -> {
                        prefixSpace = p.path("add_prefix_space").asBoolean(false);
                        if (p.path("use_regex").asBoolean(true)) regex = setOnce(regex, ByteLevelOptions.GPT2_REGEX, p);
                    }
                    case "Split" -> {
                        if (!p.path("behavior").asText().equals("Isolated") || p.path("invert").asBoolean(false)) throw unsupported("pre_tokenizer", p);
                        JsonNode pattern = p.path("pattern");
                        String split = pattern.has("Regex") ? pattern.path("Regex").asText() : Pattern.quote(pattern.path("String").asText());
                        regex = setOnce(regex, split, p);
                    }
                    default -> throw unsupported("pre_tokenizer", p);
                }
            }
            if (regex == null) throw new TokenizerFileException(file, "byte-level pre_tokenizer without a split regex is not supported");
            ByteLevelOptions options = new ByteLevelOptions(form, regex, prefixSpace, ignoreMerges);
            try {
                options.compile();
            } catch (PatternSyntaxException e) {
                throw new TokenizerFileException(file, "pre_tokenizer regex does not compile: " + e.getDescription());
            }
            return options;
        }

        private String setOnce(String current, String regex, JsonNode node) throws TokenizerFileException {
            if (current != null) throw new TokenizerFileException(file, "two split regexes in pre_tokenizer are not supported: " + node);
            return regex;
        }

        SentencePieceOptions sentencePieceOptions(List<JsonNode> pre, List<JsonNode> norm, JsonNode model, Vocab vocab) throws TokenizerFileException {
            SentencePieceOptions.Prepend prepend = SentencePieceOptions.Prepend.NEVER;
            boolean spaces = false;
            boolean split = false;
            for (JsonNode n : norm) {
                switch (n.path("type").asText()) {
                    case "Prepend" -> {
                        if (!n.path("prepend").asText().equals("▁")) throw unsupported("normalizer", n);
                        prepend = SentencePieceOptions.Prepend.ALWAYS;
                    }
                    case "Replace" -> {
                        if (!n.path("pattern").path("String").asText().equals(" ") || !n.path("content").asText().equals("▁")) {
                            throw unsupported("normalizer", n);
                        }
                        spaces = true;
                    }
                    default -> throw unsupported("normalizer", n);
                }
            }
            for (JsonNode p : pre) {
                if (!p.path("type").asText().equals("Metaspace") || !p.path("replacement").asText("▁").equals("▁")) throw unsupported("pre_tokenizer", p);
                spaces = true;
                split = p.path("split").asBoolean(true);
                String scheme = p.path("prepend_scheme").asText(p.path("add_prefix_space").asBoolean(true) ? "always" : "never");
                prepend = switch (scheme) {
                    case "always" -> SentencePieceOptions.Prepend.UNLESS_SPACE;
                    case "first" -> SentencePieceOptions.Prepend.FIRST_UNLESS_SPACE;
                    case "never" -> SentencePieceOptions.Prepend.NEVER;
                    default -> throw unsupported("pre_tokenizer", p);
                };
            }
            if (!spaces) {
                throw new TokenizerFileException(file, "BPE model with neither a ByteLevel pre_tokenizer nor SentencePiece's"
                        + " \"▁\" space replacement is not supported");
            }
            String unk = model.path("unk_token").asText(null);
            int unkId = unk == null ? -1 : vocab.idOrNegative(unk);
            if (unk != null && unkId < 0) throw new TokenizerFileException(file, "unk_token '" + unk + "' is not in the vocabulary");
            return new SentencePieceOptions(prepend, split, model.path("byte_fallback").asBoolean(false), unkId,
                    model.path("fuse_unk").asBoolean(false));
        }

        private TokenizerFileException unsupported(String what, JsonNode node) {
            return new TokenizerFileException(file, "unsupported " + what + ": " + node);
        }
    }

    /** Writes a byte-level tokenizer as tokenizer.json, atomically (temp file in the same folder, then rename). */
    static void save(ByteLevelBpeTokenizer tokenizer, BpeModel bpe, AddedTokens added, ByteLevelOptions options, Path file)
            throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode addedJson = root.putArray("added_tokens");
        for (AddedToken t : added.all()) {
            addedJson.addObject().put("id", t.id()).put("content", t.content()).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", t.special());
        }
        if (options.normalization() == null) root.putNull("normalizer");
        else root.putObject("normalizer").put("type", options.normalization().name());
        ObjectNode byteLevel = MAPPER.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", options.addPrefixSpace())
                .put("trim_offsets", true);
        if (options.splitRegex().equals(ByteLevelOptions.GPT2_REGEX)) {
            root.set("pre_tokenizer", byteLevel.put("use_regex", true));
        } else {
            ObjectNode seq = root.putObject("pre_tokenizer").put("type", "Sequence");
            ArrayNode parts = seq.putArray("pretokenizers");
            ObjectNode splitNode = parts.addObject().put("type", "Split");
            splitNode.putObject("pattern").put("Regex", options.splitRegex());
            splitNode.put("behavior", "Isolated").put("invert", false);
            parts.add(byteLevel.put("use_regex", false));
        }
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE").putNull("dropout").putNull("unk_token")
                .putNull("continuing_subword_prefix").putNull("end_of_word_suffix").put("fuse_unk", false)
                .put("byte_fallback", false).put("ignore_merges", options.ignoreMerges());
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (added.byId(id) == null) vocab.put(bpe.vocab().token(id), id);
        }
        ArrayNode merges = model.putArray("merges");
        for (int i = 0; i < bpe.mergeCount(); i++) merges.addArray().add(bpe.vocab().token(bpe.left()[i])).add(bpe.vocab().token(bpe.right()[i]));

        Path target = file.toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
        try {
            Files.write(tmp, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
