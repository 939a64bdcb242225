package dev.pmcj.transformer.tokenizer;

import java.text.Normalizer;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a byte-level BPE tokenizer prepares text before merging.
 *
 * @param normalization Unicode normalization applied first (Qwen2: NFC), or null for none
 * @param splitRegex    the pre-tokenizer regex (GPT-2's, or a Split pattern such as Llama-3's/Qwen2's);
 *                      matches and the gaps between them are the words
 * @param addPrefixSpace prepend a space to text that does not start with one
 * @param ignoreMerges  a word that is itself a vocabulary token is emitted whole (Llama-3)
 */
record ByteLevelOptions(Normalizer.Form normalization, String splitRegex, boolean addPrefixSpace, boolean ignoreMerges) {
    static final String GPT2_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    static final ByteLevelOptions GPT2 = new ByteLevelOptions(null, GPT2_REGEX, false, false);

    /** Compiled with Unicode classes so that \s means White_Space, as in Oniguruma and Python's regex. */
    Pattern compile() {
        return Pattern.compile(splitRegex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    /** The words of a text: each regex match, and any gap between matches (Hugging Face's "Isolated"). */
    static void splitWords(Pattern split, String text, Consumer<String> word) {
        Matcher m = split.matcher(text);
        int end = 0;
        while (m.find()) {
            if (m.start() > end) word.accept(text.substring(end, m.start()));
            if (m.end() > m.start()) word.accept(m.group());
            end = m.end();
        }
        if (end < text.length()) word.accept(text.substring(end));
    }
}
