package dev.pmcj.transformer.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * llama2.c's tokenizer.bin (int max_token_length, then per token: float score, int length, bytes) and
 * run.c's encode/decode: a " " dummy prefix, one symbol per UTF-8 character (unknown ones as byte tokens
 * id = byte + 3), then merging the adjacent pair whose concatenation is the vocabulary string with the
 * highest score, leftmost on ties, until none is left. The pair rules are precomputed from the vocabulary
 * so the shared merge loop can run them in O(n log n) instead of run.c's O(n^2) scans.
 */
public final class Llama2cTokenizer implements Tokenizer {
    public static final int BOS = 1;
    public static final int EOS = 2;
    private static final int BYTE_OFFSET = 3;
    private static final long MAX_FILE_BYTES = 1L << 28;

    private final byte[][] pieces;
    private final float[] scores;
    /** Vocabulary bytes as ISO-8859-1 strings (one char per byte) -> first id with those bytes. */
    private final Map<String, Integer> ids;
    private final int[] byteOfId;
    private final MergeTable merges;

    private Llama2cTokenizer(byte[][] pieces, float[] scores) {
        this.pieces = pieces;
        this.scores = scores;
        ids = HashMap.newHashMap(pieces.length);
        Map<String, List<Integer>> allIds = new HashMap<>();
        byteOfId = new int[pieces.length];
        for (int id = 0; id < pieces.length; id++) {
            String key = key(pieces[id]);
            ids.putIfAbsent(key, id);
            allIds.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
            byteOfId[id] = parseByteToken(pieces[id]);
        }
        merges = buildMerges(allIds);
    }

    /** Every split of a token string into two vocabulary strings is a rule, ranked by the token's score. */
    private MergeTable buildMerges(Map<String, List<Integer>> allIds) {
        float[] distinct = scores.clone();
        Arrays.sort(distinct);
        MergeTable table = new MergeTable(pieces.length * 4);
        for (int id = 0; id < pieces.length; id++) {
            // run.c compares with '>', so a NaN score never wins a merge.
            if (Float.isNaN(scores[id]) || ids.get(key(pieces[id])) != id) continue;
            int rank = distinct.length - 1 - lastIndexOf(distinct, scores[id]);
            String s = key(pieces[id]);
            for (int k = 1; k < s.length(); k++) {
                List<Integer> lefts = allIds.get(s.substring(0, k));
                List<Integer> rights = allIds.get(s.substring(k));
                if (lefts == null || rights == null) continue;
                for (int l : lefts) for (int r : rights) table.putIfAbsent(l, r, rank, id);
            }
        }
        return table;
    }

    private static int lastIndexOf(float[] sorted, float v) {
        int i = Arrays.binarySearch(sorted, v);
        while (i + 1 < sorted.length && Float.compare(sorted[i + 1], v) == 0) i++;
        return i;
    }

    public static Llama2cTokenizer load(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) throw new TokenizerFileException(file, "file of " + size + " bytes is too large for a llama2.c tokenizer");
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 4) throw new TokenizerFileException(file, "truncated: no max_token_length header");
        int maxLen = in.getInt();
        if (maxLen <= 0 || maxLen > in.remaining()) {
            throw new TokenizerFileException(file, "max_token_length " + maxLen + " is not in [1, " + in.remaining() + "]");
        }
        List<byte[]> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        while (in.hasRemaining()) {
            int id = pieces.size();
            if (in.remaining() < 8) throw new TokenizerFileException(file, "truncated record of token " + id + " at byte " + in.position());
            float score = in.getFloat();
            int len = in.getInt();
            if (len < 0 || len > maxLen || len > in.remaining()) {
                throw new TokenizerFileException(file, "token " + id + " at byte " + (in.position() - 4) + " has length " + len
                        + ", expected 0.." + Math.min(maxLen, in.remaining()));
            }
            byte[] piece = new byte[len];
            in.get(piece);
            pieces.add(piece);
            scores.add(score);
        }
        if (pieces.size() < BYTE_OFFSET + 256) {
            throw new TokenizerFileException(file, "only " + pieces.size() + " tokens; llama2.c needs <unk>, <s>, </s> and 256 byte tokens");
        }
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) s[i] = scores.get(i);
        return new Llama2cTokenizer(pieces.toArray(byte[][]::new), s);
    }

    @Override
    public int[] encode(String text) {
        return encode(text, false, false);
    }

    /** run.c's encode(text, bos, eos): optional bos (1) first and eos (2) last. */
    public int[] encode(String text, boolean bos, boolean eos) {
        IntList symbols = new IntList();
        if (bos) symbols.add(BOS);
        if (!text.isEmpty()) {
            String prefixed = " " + text;
            for (int i = 0; i < prefixed.length(); ) {
                int n = Character.charCount(prefixed.codePointAt(i));
                byte[] utf8 = prefixed.substring(i, i + n).getBytes(StandardCharsets.UTF_8);
                Integer id = ids.get(key(utf8));
                if (id != null) symbols.add(id);
                else for (byte b : utf8) symbols.add((b & 0xFF) + BYTE_OFFSET);
                i += n;
            }
        }
        IntList out = new IntList();
        out.addAll(BpeMerger.merge(symbols.toArray(), merges));
        if (eos) out.add(EOS);
        return out.toArray();
    }

    /**
     * run.c's decode for a whole sequence: bos/eos print nothing, the leading space of the first piece
     * (at the start or after bos) is dropped, &lt;0xXX&gt; pieces are raw bytes.
     */
    @Override
    public String decode(int... ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int prev = BOS;
        for (int id : ids) {
            checkId(id);
            if (id == BOS || id == EOS) {
                prev = id;
                continue;
            }
            byte[] piece = pieces[id];
            if (byteOfId[id] >= 0) out.write(byteOfId[id]);
            else if (prev == BOS && piece.length > 0 && piece[0] == ' ') out.write(piece, 1, piece.length - 1);
            else out.writeBytes(piece);
            prev = id;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public OptionalInt bosId() {
        return OptionalInt.of(BOS);
    }

    @Override
    public OptionalInt eosId() {
        return OptionalInt.of(EOS);
    }

    @Override
    public String tokenText(int id) {
        checkId(id);
        return new String(pieces[id], StandardCharsets.UTF_8);
    }

    @Override
    public OptionalInt idOf(String tokenText) {
        Integer id = ids.get(key(tokenText.getBytes(StandardCharsets.UTF_8)));
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    public float score(int id) {
        checkId(id);
        return scores[id];
    }

    private void checkId(int id) {
        if (id < 0 || id >= pieces.length) throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + pieces.length + ")");
    }

    private static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The byte a piece "&lt;0xXX&gt;" stands for, or -1. */
    private static int parseByteToken(byte[] piece) {
        if (piece.length != 6 || piece[0] != '<' || piece[1] != '0' || piece[2] != 'x' || piece[5] != '>') return -1;
        int hi = Character.digit(piece[3], 16);
        int lo = Character.digit(piece[4], 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
}
