package dev.pmcj.transformer.tokenizer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** Token strings by id, dense from 0, with the reverse lookup. */
final class Vocab {
    private final String[] tokens;
    private final Map<String, Integer> ids;

    private Vocab(String[] tokens, Map<String, Integer> ids) {
        this.tokens = tokens;
        this.ids = ids;
    }

    /** Tokens by id in order; each string must be distinct. */
    static Vocab of(List<String> tokens) {
        Map<String, Integer> ids = HashMap.newHashMap(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            if (ids.putIfAbsent(tokens.get(i), i) != null) throw new IllegalArgumentException("duplicate token '" + tokens.get(i) + "'");
        }
        return new Vocab(tokens.toArray(String[]::new), ids);
    }

    /**
     * The union of a file's model vocabulary and its added tokens. Ids must cover 0..max without holes
     * and one id cannot name two strings; checked before anything of size max is allocated.
     */
    static Vocab fromFile(Path file, Map<String, Integer> model, List<AddedToken> added) throws TokenizerFileException {
        long max = -1;
        for (Map.Entry<String, Integer> e : model.entrySet()) {
            if (e.getValue() < 0) throw new TokenizerFileException(file, "token '" + e.getKey() + "' has negative id " + e.getValue());
            max = Math.max(max, e.getValue());
        }
        for (AddedToken t : added) max = Math.max(max, t.id());
        if (max < 0) throw new TokenizerFileException(file, "the vocabulary is empty");
        if (max >= (long) model.size() + added.size()) {
            throw new TokenizerFileException(file, "token ids are not contiguous: largest id " + max + " but only "
                    + (model.size() + added.size()) + " entries");
        }
        String[] tokens = new String[(int) max + 1];
        Map<String, Integer> ids = new HashMap<>(model);
        for (Map.Entry<String, Integer> e : model.entrySet()) place(file, tokens, e.getKey(), e.getValue());
        for (AddedToken t : added) {
            place(file, tokens, t.content(), t.id());
            ids.put(t.content(), t.id());
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) throw new TokenizerFileException(file, "token ids are not contiguous: no token has id " + i);
        }
        return new Vocab(tokens, ids);
    }

    private static void place(Path file, String[] tokens, String token, int id) throws TokenizerFileException {
        if (tokens[id] != null && !tokens[id].equals(token)) {
            throw new TokenizerFileException(file, "id " + id + " is given to both '" + tokens[id] + "' and '" + token + "'");
        }
        tokens[id] = token;
    }

    int size() {
        return tokens.length;
    }

    String token(int id) {
        if (id < 0 || id >= tokens.length) throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + tokens.length + ")");
        return tokens[id];
    }

    /** The id of a token string, or -1. */
    int idOrNegative(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }
}
