package dev.pmcj.pmc.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * ROUGE-L with stemming exactly as rouge-score 0.1.2 computes it (pmc.md section 3). Tokens are
 * interned to int ids (one id per distinct stem) so that scoring many candidates against one
 * reference costs one tokenisation per text and an int LCS. Thread-safe; one instance should be
 * shared, since ids are only comparable within an instance.
 */
public final class RougeL {
    private final ConcurrentHashMap<String, Integer> rawToId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> stemToId = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private static final ThreadLocal<int[]> ROW = ThreadLocal.withInitial(() -> new int[256]);

    /**
     * rouge-score's tokenizer: lowercase, runs outside [a-z0-9] split, stem tokens longer than 3.
     * Its final drop of empty or invalid tokens never fires here: stems of [a-z0-9] words are
     * non-empty [a-z0-9] (PorterStemmerTest checks this property).
     */
    public static List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        forEachRawToken(text, raw -> tokens.add(stemToken(raw)));
        return tokens;
    }

    /** The token ids of {@code text}; equal stems get equal ids within this instance. */
    public int[] ids(String text) {
        IdBuffer out = new IdBuffer();
        forEachRawToken(text, raw -> out.add(rawToId.computeIfAbsent(raw,
                r -> stemToId.computeIfAbsent(stemToken(r), s -> nextId.getAndIncrement()))));
        return out.toArray();
    }

    private static final class IdBuffer {
        private int[] ids = new int[32];
        private int size;

        void add(int id) {
            if (size == ids.length) ids = Arrays.copyOf(ids, size * 2);
            ids[size++] = id;
        }

        int[] toArray() {
            return Arrays.copyOf(ids, size);
        }
    }

    public RougeScore score(String target, String prediction) {
        return score(ids(target), ids(prediction));
    }

    /** ROUGE-L recall of {@code prediction} against the reference {@code target}. */
    public double recall(String target, String prediction) {
        return score(target, prediction).recall();
    }

    /** ROUGE-L from token ids (of the same instance); an empty side gives all zeros. */
    public static RougeScore score(int[] target, int[] prediction) {
        if (target.length == 0 || prediction.length == 0) return RougeScore.ZERO;
        int lcs = lcsLength(target, prediction);
        return RougeScore.of((double) lcs / prediction.length, (double) lcs / target.length);
    }

    /** Length of the longest common subsequence, in O(|a| |b|) time and O(min) reused memory. */
    public static int lcsLength(int[] a, int[] b) {
        if (a.length < b.length) {
            int[] t = a;
            a = b;
            b = t;
        }
        int m = b.length;
        int[] row = ROW.get();
        if (row.length < m + 1) {
            row = new int[Math.max(m + 1, row.length * 2)];
            ROW.set(row);
        }
        Arrays.fill(row, 0, m + 1, 0);
        for (int x : a) {
            int diag = 0;
            for (int j = 1; j <= m; j++) {
                int up = row[j];
                row[j] = x == b[j - 1] ? diag + 1 : Math.max(up, row[j - 1]);
                diag = up;
            }
        }
        return row[m];
    }

    private static String stemToken(String raw) {
        return raw.length() > 3 ? PorterStemmer.stem(raw) : raw;
    }

    /** Calls {@code sink} with every maximal run of [a-z0-9] in the lower-cased text. */
    private static void forEachRawToken(String text, Consumer<String> sink) {
        String lower = text.toLowerCase(Locale.ROOT);
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            char c = i < lower.length() ? lower.charAt(i) : ' ';
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (alnum && start < 0) start = i;
            else if (!alnum && start >= 0) {
                sink.accept(lower.substring(start, i));
                start = -1;
            }
        }
    }
}
