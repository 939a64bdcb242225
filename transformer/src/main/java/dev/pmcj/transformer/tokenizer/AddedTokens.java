package dev.pmcj.transformer.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/** The added tokens of a tokenizer: found in the text first (leftmost, then longest), the rest is plain text. */
final class AddedTokens {
    private static final List<String> BOS_NAMES = List.of("<s>", "<|begin_of_text|>", "<|endoftext|>");
    private static final List<String> EOS_NAMES = List.of("</s>", "<|end_of_text|>", "<|endoftext|>", "<|im_end|>");

    private final List<AddedToken> tokens;
    private final Map<Character, List<AddedToken>> byFirstChar = new HashMap<>();
    private final Map<Integer, AddedToken> byId = new HashMap<>();
    private final Map<String, AddedToken> byContent = new HashMap<>();

    AddedTokens(List<AddedToken> tokens) {
        this.tokens = List.copyOf(tokens);
        for (AddedToken t : tokens) {
            byFirstChar.computeIfAbsent(t.content().charAt(0), c -> new ArrayList<>()).add(t);
            byId.put(t.id(), t);
            byContent.put(t.content(), t);
        }
        byFirstChar.values().forEach(l -> l.sort(Comparator.comparingInt((AddedToken t) -> t.content().length()).reversed()));
    }

    List<AddedToken> all() {
        return tokens;
    }

    boolean isSpecial(int id) {
        AddedToken t = byId.get(id);
        return t != null && t.special();
    }

    AddedToken byId(int id) {
        return byId.get(id);
    }

    /** Calls {@code plain} for each non-empty run of text between added tokens and {@code token} for each match. */
    void split(String text, Consumer<String> plain, IntConsumer token) {
        if (tokens.isEmpty()) {
            if (!text.isEmpty()) plain.accept(text);
            return;
        }
        int start = 0;
        for (int i = 0; i < text.length(); ) {
            AddedToken match = matchAt(text, i);
            if (match == null) {
                i++;
                continue;
            }
            if (i > start) plain.accept(text.substring(start, i));
            token.accept(match.id());
            i += match.content().length();
            start = i;
        }
        if (start < text.length()) plain.accept(text.substring(start));
    }

    private AddedToken matchAt(String text, int i) {
        List<AddedToken> candidates = byFirstChar.get(text.charAt(i));
        if (candidates == null) return null;
        for (AddedToken t : candidates) if (text.startsWith(t.content(), i)) return t;
        return null;
    }

    /** The bos token by its conventional names (files rarely say which token is bos). */
    OptionalInt conventionalBos() {
        return firstOf(BOS_NAMES);
    }

    OptionalInt conventionalEos() {
        return firstOf(EOS_NAMES);
    }

    OptionalInt idOf(String content) {
        AddedToken t = byContent.get(content);
        return t == null ? OptionalInt.empty() : OptionalInt.of(t.id());
    }

    private OptionalInt firstOf(List<String> names) {
        for (String name : names) {
            AddedToken t = byContent.get(name);
            if (t != null) return OptionalInt.of(t.id());
        }
        return OptionalInt.empty();
    }
}
