package dev.pmcj.transformer.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.regex.Pattern;

/**
 * Trains a byte-level BPE vocabulary (GPT-2 pre-tokenization) from a corpus. Ids 0..255 are the bytes,
 * then one token per merge, then the special tokens. Each step merges the most frequent adjacent pair,
 * ties going to the lexicographically smallest (left bytes, right bytes), so training is deterministic.
 * Pair counts are kept incrementally: a merge only revisits the words that contain the merged pair.
 */
public final class BpeTrainer {
    public static final List<String> DEFAULT_SPECIAL_TOKENS = List.of("<|endoftext|>", "<|pad|>");

    private final List<byte[]> tokenBytes = new ArrayList<>();
    private final Map<String, Integer> idOfBytes = new HashMap<>();
    private final Map<Long, PairStats> pairs = new HashMap<>();
    private final PriorityQueue<Candidate> queue = new PriorityQueue<>(
            Comparator.comparingLong((Candidate c) -> -c.count)
                    .thenComparing((x, y) -> Arrays.compareUnsigned(tokenBytes.get(x.left), tokenBytes.get(y.left)))
                    .thenComparing((x, y) -> Arrays.compareUnsigned(tokenBytes.get(x.right), tokenBytes.get(y.right))));
    private int[][] words;
    private long[] wordCounts;

    private BpeTrainer() {
    }

    /** {@link #train(List, int, List)} with {@link #DEFAULT_SPECIAL_TOKENS} ("&lt;|endoftext|&gt;" is bos and eos). */
    public static ByteLevelBpeTokenizer train(List<String> corpus, int vocabSize) {
        return train(corpus, vocabSize, DEFAULT_SPECIAL_TOKENS);
    }

    /**
     * @param vocabSize     the vocabulary size wanted, special tokens included; fewer when the corpus runs
     *                      out of pairs to merge
     * @param specialTokens matched verbatim (never split or merged); "&lt;|endoftext|&gt;", "&lt;s&gt;", "&lt;/s&gt;"
     *                      become bos/eos by name
     */
    public static ByteLevelBpeTokenizer train(List<String> corpus, int vocabSize, List<String> specialTokens) {
        if (vocabSize < 256 + specialTokens.size()) {
            throw new IllegalArgumentException("vocabSize " + vocabSize + " is below 256 bytes + " + specialTokens.size() + " special tokens");
        }
        return new BpeTrainer().run(corpus, vocabSize - specialTokens.size(), specialTokens);
    }

    private ByteLevelBpeTokenizer run(List<String> corpus, int targetTokens, List<String> specialTokens) {
        for (int b = 0; b < 256; b++) addToken(new byte[] {(byte) b});
        List<AddedToken> specials = new ArrayList<>();
        for (int i = 0; i < specialTokens.size(); i++) specials.add(new AddedToken(specialTokens.get(i), targetTokens + i, true));
        countWords(corpus, new AddedTokens(specials));

        IntList left = new IntList();
        IntList right = new IntList();
        IntList merged = new IntList();
        int[] stamp = new int[words.length];
        Arrays.fill(stamp, -1);
        while (tokenBytes.size() < targetTokens) {
            Candidate best = queue.poll();
            if (best == null) break;
            long key = key(best.left, best.right);
            PairStats stats = pairs.get(key);
            if (stats == null || stats.count != best.count) continue; // superseded by a newer entry
            byte[] bytes = concat(tokenBytes.get(best.left), tokenBytes.get(best.right));
            Integer existing = idOfBytes.get(latin1(bytes));
            int id = existing != null ? existing : addToken(bytes);
            left.add(best.left);
            right.add(best.right);
            merged.add(id);
            applyMerge(best.left, best.right, id, stats, stamp, merged.size());
        }

        List<String> tokens = new ArrayList<>(tokenBytes.size() + specials.size());
        for (byte[] t : tokenBytes) tokens.add(ByteLevel.encode(t));
        int shift = targetTokens - tokenBytes.size(); // when the corpus ran out of pairs, specials move down
        List<AddedToken> placed = new ArrayList<>();
        for (AddedToken s : specials) {
            placed.add(new AddedToken(s.content(), s.id() - shift, true));
            tokens.add(s.content());
        }
        Vocab vocab = Vocab.of(tokens);
        AddedTokens added = new AddedTokens(placed);
        BpeModel bpe = BpeModel.of(vocab, left.toArray(), right.toArray(), merged.toArray());
        return new ByteLevelBpeTokenizer(bpe, added, ByteLevelOptions.GPT2, added.conventionalBos(), added.conventionalEos());
    }

    private void countWords(List<String> corpus, AddedTokens specials) {
        Pattern split = ByteLevelOptions.GPT2.compile();
        Map<String, long[]> counts = new HashMap<>();
        for (String text : corpus) {
            specials.split(text, segment -> ByteLevelOptions.splitWords(split, segment,
                    word -> counts.computeIfAbsent(word, w -> new long[1])[0]++), id -> { });
        }
        List<String> unique = new ArrayList<>(counts.keySet());
        unique.sort(null); // a fixed word order keeps every later step deterministic
        words = new int[unique.size()][];
        wordCounts = new long[unique.size()];
        for (int w = 0; w < words.length; w++) {
            byte[] bytes = unique.get(w).getBytes(StandardCharsets.UTF_8);
            words[w] = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) words[w][i] = bytes[i] & 0xFF;
            wordCounts[w] = counts.get(unique.get(w))[0];
            for (int i = 0; i + 1 < bytes.length; i++) {
                PairStats stats = pairs.computeIfAbsent(key(words[w][i], words[w][i + 1]), k -> new PairStats());
                stats.count += wordCounts[w];
                stats.addWord(w);
            }
        }
        pairs.forEach((key, stats) -> queue.add(new Candidate(stats.count, (int) (key >>> 32), (int) (long) key)));
    }

    /** Rewrites every word holding (a, b) and moves the pair counts by the difference. */
    private void applyMerge(int a, int b, int id, PairStats stats, int[] stamp, int step) {
        Map<Long, long[]> delta = new HashMap<>();
        for (int k = 0; k < stats.words.size(); k++) {
            int w = stats.words.get(k);
            if (stamp[w] == step) continue;
            stamp[w] = step;
            int[] old = words[w];
            int[] next = new int[old.length];
            int n = 0;
            for (int i = 0; i < old.length; ) {
                if (i + 1 < old.length && old[i] == a && old[i + 1] == b) {
                    next[n++] = id;
                    i += 2;
                } else {
                    next[n++] = old[i++];
                }
            }
            if (n == old.length) continue;
            long c = wordCounts[w];
            for (int i = 0; i + 1 < old.length; i++) delta.computeIfAbsent(key(old[i], old[i + 1]), x -> new long[1])[0] -= c;
            for (int i = 0; i + 1 < n; i++) {
                long pair = key(next[i], next[i + 1]);
                delta.computeIfAbsent(pair, x -> new long[1])[0] += c;
                if (next[i] == id || next[i + 1] == id) pairs.computeIfAbsent(pair, x -> new PairStats()).addWord(w);
            }
            words[w] = Arrays.copyOf(next, n);
        }
        delta.forEach((pair, d) -> {
            if (d[0] == 0) return;
            PairStats s = pairs.get(pair);
            s.count += d[0];
            if (s.count > 0) queue.add(new Candidate(s.count, (int) (pair >>> 32), (int) (long) pair));
            else pairs.remove(pair);
        });
    }

    private int addToken(byte[] bytes) {
        tokenBytes.add(bytes);
        idOfBytes.put(latin1(bytes), tokenBytes.size() - 1);
        return tokenBytes.size() - 1;
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    private record Candidate(long count, int left, int right) {
    }

    private static final class PairStats {
        long count;
        final IntList words = new IntList();

        void addWord(int w) {
            if (words.size() == 0 || words.get(words.size() - 1) != w) words.add(w);
        }
    }
}
