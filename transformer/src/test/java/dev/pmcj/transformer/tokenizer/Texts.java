package dev.pmcj.transformer.tokenizer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

import java.util.List;

/** Generators of valid text (whole code points, never a lone surrogate). */
final class Texts {
    private Texts() {
    }

    /** Story-like ASCII with a few non-ASCII characters (2-, 3- and 4-byte UTF-8) for byte fallback. */
    static Arbitrary<String> storyLike() {
        List<String> pieces = List.of(" ", " ", " ", ".", ",", "'", "\"", "\n", "a", "b", "c", "d", "e", "h", "i", "l", "m", "n",
                "o", "r", "s", "t", "w", "y", "T", "S", "O", "!", "?", "é", "ü", "—", "日", "🚀");
        return Arbitraries.of(pieces).list().ofMaxSize(60).map(l -> String.join("", l));
    }

    /** Any valid Unicode, weighted towards ASCII, spaces and line breaks. */
    static Arbitrary<String> unicode() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(1, Arbitraries.of(0x20, 0x0A, 0x09, 0x0D, 0xA0, 0x3000, 0x2028)),
                Tuple.of(2, Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF)));
        return codePoint.list().ofMaxSize(40).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }
}
