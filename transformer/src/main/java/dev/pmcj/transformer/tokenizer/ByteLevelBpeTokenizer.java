package dev.pmcj.transformer.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Byte-level BPE (GPT-2, Llama-3, Qwen2, and what {@link BpeTrainer} trains): added tokens are matched
 * first; the rest is normalized, split into words by a regex, each word's UTF-8 bytes become byte-level
 * symbols and are merged by rank. Words already seen come from a cache.
 */
public final class ByteLevelBpeTokenizer extends BpeTokenizer {
    private static final int CACHE_LIMIT = 100_000;

    private final ByteLevelOptions options;
    private final Pattern split;
    private final int[] byteIds = new int[256];
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    ByteLevelBpeTokenizer(BpeModel bpe, AddedTokens added, ByteLevelOptions options, OptionalInt bos, OptionalInt eos) {
        super(bpe, added, bos, eos);
        this.options = options;
        this.split = options.compile();
        for (int b = 0; b < 256; b++) {
            byteIds[b] = bpe.vocab().idOrNegative(String.valueOf(ByteLevel.charOf(b)));
            if (byteIds[b] < 0) throw new IllegalArgumentException(String.format("the vocabulary has no token for byte 0x%02X", b));
        }
    }

    /** Writes this tokenizer as a Hugging Face tokenizer.json, atomically; {@link Tokenizer#load} reads it back. */
    public void save(Path file) throws IOException {
        TokenizerJson.save(this, bpe, added, options, file);
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList();
        added.split(text, segment -> encodePlain(segment, out), out::add);
        return out.toArray();
    }

    private void encodePlain(String text, IntList out) {
        if (options.normalization() != null) text = Normalizer.normalize(text, options.normalization());
        if (options.addPrefixSpace() && !text.startsWith(" ")) text = " " + text;
        ByteLevelOptions.splitWords(split, text, word -> out.addAll(encodeWord(word)));
    }

    private int[] encodeWord(String word) {
        int[] cached = cache.get(word);
        if (cached != null) return cached;
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        int whole = options.ignoreMerges() ? bpe.vocab().idOrNegative(ByteLevel.encode(bytes)) : -1;
        int[] ids;
        if (whole >= 0) {
            ids = new int[] {whole};
        } else {
            int[] symbols = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) symbols[i] = byteIds[bytes[i] & 0xFF];
            ids = BpeMerger.merge(symbols, bpe.table());
        }
        if (cache.size() >= CACHE_LIMIT) cache.clear();
        cache.put(word, ids);
        return ids;
    }

    @Override
    public String decode(int... ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            String token = bpe.vocab().token(id);
            AddedToken a = added.byId(id);
            if (a == null) ByteLevel.decodeInto(token, bytes);
            else if (!a.special()) bytes.writeBytes(a.content().getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The number of merge rules. */
    public int mergeCount() {
        return bpe.mergeCount();
    }
}
