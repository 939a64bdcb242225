package dev.pmcj.transformer.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * SentencePiece-style BPE from a Hugging Face tokenizer.json (Llama-2, TinyLlama): added tokens first;
 * in the rest " " becomes "▁" and a "▁" is prepended; each character is a symbol (unknown ones become
 * &lt;0xXX&gt; byte tokens with byte fallback, else unk); symbols are merged by rank.
 */
public final class SentencePieceBpeTokenizer extends BpeTokenizer {
    static final char SPACE = '▁';

    private final SentencePieceOptions options;
    /** id of &lt;0xXX&gt; per byte, -1 where absent; and the byte each id stands for, -1 for other tokens. */
    private final int[] byteIds = new int[256];
    private final int[] byteOfId;

    SentencePieceBpeTokenizer(BpeModel bpe, AddedTokens added, SentencePieceOptions options, OptionalInt bos, OptionalInt eos) {
        super(bpe, added, bos, eos);
        this.options = options;
        byteOfId = new int[bpe.vocab().size()];
        java.util.Arrays.fill(byteOfId, -1);
        for (int b = 0; b < 256; b++) {
            byteIds[b] = bpe.vocab().idOrNegative(byteToken(b));
            if (byteIds[b] >= 0) byteOfId[byteIds[b]] = b;
            else if (options.byteFallback()) throw new IllegalArgumentException("byte_fallback is set but the vocabulary lacks " + byteToken(b));
        }
        if (!options.byteFallback() && options.unkId() < 0) {
            // Without either, some text could not be encoded at all; refuse such a file up front.
            throw new IllegalArgumentException("a SentencePiece BPE model needs byte_fallback or an unk_token");
        }
    }

    static String byteToken(int b) {
        return String.format("<0x%02X>", b);
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList();
        boolean[] first = {true};
        added.split(text, segment -> {
            boolean prepend = switch (options.prepend()) {
                case ALWAYS -> true;
                case UNLESS_SPACE -> !segment.startsWith(" ");
                case FIRST_UNLESS_SPACE -> first[0] && !segment.startsWith(" ");
                case NEVER -> false;
            };
            encodePlain((prepend ? " " : "") + segment, out);
            first[0] = false;
        }, id -> {
            out.add(id);
            first[0] = false;
        });
        return out.toArray();
    }

    private void encodePlain(String text, IntList out) {
        String normalized = text.replace(' ', SPACE);
        if (!options.splitOnSpace()) {
            out.addAll(encodeWord(normalized));
            return;
        }
        int start = 0;
        for (int i = 1; i <= normalized.length(); i++) {
            if (i == normalized.length() || normalized.charAt(i) == SPACE) {
                out.addAll(encodeWord(normalized.substring(start, i)));
                start = i;
            }
        }
    }

    private int[] encodeWord(String word) {
        IntList symbols = new IntList();
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            int n = Character.charCount(cp);
            String ch = word.substring(i, i + n);
            int id = bpe.vocab().idOrNegative(ch);
            if (id >= 0) {
                symbols.add(id);
            } else if (options.byteFallback()) {
                for (byte b : ch.getBytes(StandardCharsets.UTF_8)) symbols.add(byteIds[b & 0xFF]);
            } else if (!options.fuseUnk() || symbols.size() == 0 || symbols.get(symbols.size() - 1) != options.unkId()) {
                symbols.add(options.unkId());
            }
            i += n;
        }
        return BpeMerger.merge(symbols.toArray(), bpe.table());
    }

    @Override
    public String decode(int... ids) {
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (int id : ids) {
            String token = bpe.vocab().token(id);
            if (added.isSpecial(id)) continue;
            if (byteOfId[id] >= 0) {
                pending.write(byteOfId[id]);
                continue;
            }
            flush(pending, text);
            text.append(token.replace(SPACE, ' '));
        }
        flush(pending, text);
        boolean strip = options.prepend() != SentencePieceOptions.Prepend.NEVER && !text.isEmpty() && text.charAt(0) == ' ';
        return strip ? text.substring(1) : text.toString();
    }

    private static void flush(ByteArrayOutputStream pending, StringBuilder text) {
        if (pending.size() == 0) return;
        text.append(pending.toString(StandardCharsets.UTF_8));
        pending.reset();
    }
}
