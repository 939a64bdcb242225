package dev.pmcj.pmc.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * NLTK's Porter stemmer ({@code nltk.stem.porter.PorterStemmer}) in its default NLTK_EXTENSIONS mode,
 * rule for rule: rouge-score stems with it, so ROUGE-L only matches the reference values when every
 * quirk (the irregular-forms pool, the 'ies'/'ied' short-word rules, 'alli' recursion, the 'logi'
 * measure taken on the word, the two-letter cvc case) is reproduced. Stateless and thread-safe.
 */
public final class PorterStemmer {

    /** NLTK's table of irregular forms: word -> stem, bypassing the steps. */
    private static final Map<String, String> POOL = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"),
            Map.entry("dying", "die"), Map.entry("lying", "lie"), Map.entry("tying", "tie"),
            Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"),
            Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"), Map.entry("succeed", "succeed"));

    /**
     * One suffix rule: if the word ends with {@code suffix}, the rule list stops here; the stem
     * (word minus suffix) gets {@code replacement} when {@code condition} holds, else the word is kept.
     * The suffix {@link #DOUBLE} stands for NLTK's "*d" (any double consonant).
     */
    private record Rule(String suffix, String replacement, Predicate<String> condition) {
    }

    private static final String DOUBLE = "*d";

    private static final Predicate<String> POSITIVE_MEASURE = s -> measure(s) > 0;
    private static final Predicate<String> MEASURE_GT_1 = s -> measure(s) > 1;

    private static final List<Rule> STEP1A = List.of(
            new Rule("sses", "ss", null),
            new Rule("ies", "i", null),
            new Rule("ss", "ss", null),
            new Rule("s", "", null));

    private static final List<Rule> STEP2_FIXED = List.of(
            new Rule("ational", "ate", POSITIVE_MEASURE),
            new Rule("tional", "tion", POSITIVE_MEASURE),
            new Rule("enci", "ence", POSITIVE_MEASURE),
            new Rule("anci", "ance", POSITIVE_MEASURE),
            new Rule("izer", "ize", POSITIVE_MEASURE),
            new Rule("bli", "ble", POSITIVE_MEASURE),
            new Rule("alli", "al", POSITIVE_MEASURE),
            new Rule("entli", "ent", POSITIVE_MEASURE),
            new Rule("eli", "e", POSITIVE_MEASURE),
            new Rule("ousli", "ous", POSITIVE_MEASURE),
            new Rule("ization", "ize", POSITIVE_MEASURE),
            new Rule("ation", "ate", POSITIVE_MEASURE),
            new Rule("ator", "ate", POSITIVE_MEASURE),
            new Rule("alism", "al", POSITIVE_MEASURE),
            new Rule("iveness", "ive", POSITIVE_MEASURE),
            new Rule("fulness", "ful", POSITIVE_MEASURE),
            new Rule("ousness", "ous", POSITIVE_MEASURE),
            new Rule("aliti", "al", POSITIVE_MEASURE),
            new Rule("iviti", "ive", POSITIVE_MEASURE),
            new Rule("biliti", "ble", POSITIVE_MEASURE),
            new Rule("fulli", "ful", POSITIVE_MEASURE));

    private static final List<Rule> STEP3 = List.of(
            new Rule("icate", "ic", POSITIVE_MEASURE),
            new Rule("ative", "", POSITIVE_MEASURE),
            new Rule("alize", "al", POSITIVE_MEASURE),
            new Rule("iciti", "ic", POSITIVE_MEASURE),
            new Rule("ical", "ic", POSITIVE_MEASURE),
            new Rule("ful", "", POSITIVE_MEASURE),
            new Rule("ness", "", POSITIVE_MEASURE));

    private static final List<Rule> STEP4 = List.of(
            new Rule("al", "", MEASURE_GT_1),
            new Rule("ance", "", MEASURE_GT_1),
            new Rule("ence", "", MEASURE_GT_1),
            new Rule("er", "", MEASURE_GT_1),
            new Rule("ic", "", MEASURE_GT_1),
            new Rule("able", "", MEASURE_GT_1),
            new Rule("ible", "", MEASURE_GT_1),
            new Rule("ant", "", MEASURE_GT_1),
            new Rule("ement", "", MEASURE_GT_1),
            new Rule("ment", "", MEASURE_GT_1),
            new Rule("ent", "", MEASURE_GT_1),
            new Rule("ion", "", s -> measure(s) > 1 && (last(s) == 's' || last(s) == 't')),
            new Rule("ou", "", MEASURE_GT_1),
            new Rule("ism", "", MEASURE_GT_1),
            new Rule("ate", "", MEASURE_GT_1),
            new Rule("iti", "", MEASURE_GT_1),
            new Rule("ous", "", MEASURE_GT_1),
            new Rule("ive", "", MEASURE_GT_1),
            new Rule("ize", "", MEASURE_GT_1));

    private PorterStemmer() {
    }

    /** The stem of {@code word}, lower-cased first, exactly as NLTK's {@code stem(word)}. */
    public static String stem(String word) {
        String stem = word.toLowerCase(Locale.ROOT);
        // NLTK looks the pool up with the original word but indexes it with the lower-cased one.
        if (POOL.containsKey(word)) return POOL.get(stem);
        if (word.codePointCount(0, word.length()) <= 2) return stem;
        stem = step1a(stem);
        stem = step1b(stem);
        stem = step1c(stem);
        stem = step2(stem);
        stem = step3(stem);
        stem = step4(stem);
        stem = step5a(stem);
        return step5b(stem);
    }

    private static boolean isConsonant(String word, int i) {
        char c = word.charAt(i);
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') return false;
        if (c == 'y') return i == 0 || !isConsonant(word, i - 1);
        return true;
    }

    /** Porter's m: the number of vowel-consonant transitions in the c/v pattern of {@code stem}. */
    static int measure(String stem) {
        int m = 0;
        boolean prevVowel = false;
        for (int i = 0; i < stem.length(); i++) {
            boolean consonant = isConsonant(stem, i);
            if (consonant && prevVowel) m++;
            prevVowel = !consonant;
        }
        return m;
    }

    private static boolean containsVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) {
            if (!isConsonant(stem, i)) return true;
        }
        return false;
    }

    private static boolean endsDoubleConsonant(String word) {
        int n = word.length();
        return n >= 2 && word.charAt(n - 1) == word.charAt(n - 2) && isConsonant(word, n - 1);
    }

    /** Condition *o, plus NLTK's two-letter vowel-consonant case. */
    private static boolean endsCvc(String word) {
        int n = word.length();
        if (n >= 3 && isConsonant(word, n - 3) && !isConsonant(word, n - 2) && isConsonant(word, n - 1)) {
            char c = word.charAt(n - 1);
            if (c != 'w' && c != 'x' && c != 'y') return true;
        }
        return n == 2 && !isConsonant(word, 0) && isConsonant(word, 1);
    }

    private static char last(String s) {
        return s.charAt(s.length() - 1);
    }

    private static String cut(String word, int suffixLength) {
        return word.substring(0, word.length() - suffixLength);
    }

    /** NLTK's {@code _apply_rule_list}: the first rule whose suffix matches decides. */
    private static String applyRules(String word, List<Rule> rules) {
        for (Rule rule : rules) {
            String stem;
            if (rule.suffix().equals(DOUBLE)) {
                if (!endsDoubleConsonant(word)) continue;
                stem = cut(word, 2);
            } else if (word.endsWith(rule.suffix())) {
                stem = cut(word, rule.suffix().length());
            } else {
                continue;
            }
            return rule.condition() == null || rule.condition().test(stem) ? stem + rule.replacement() : word;
        }
        return word;
    }

    private static String step1a(String word) {
        if (word.endsWith("ies") && word.length() == 4) return cut(word, 3) + "ie";
        return applyRules(word, STEP1A);
    }

    private static String step1b(String word) {
        if (word.endsWith("ied")) return cut(word, 3) + (word.length() == 4 ? "ie" : "i");
        if (word.endsWith("eed")) {
            String stem = cut(word, 3);
            return measure(stem) > 0 ? stem + "ee" : word;
        }
        String intermediate = null;
        for (String suffix : new String[] {"ed", "ing"}) {
            if (word.endsWith(suffix)) {
                String candidate = cut(word, suffix.length());
                if (containsVowel(candidate)) {
                    intermediate = candidate;
                    break;
                }
            }
        }
        if (intermediate == null) return word;
        char lastChar = last(intermediate);
        return applyRules(intermediate, List.of(
                new Rule("at", "ate", null),
                new Rule("bl", "ble", null),
                new Rule("iz", "ize", null),
                new Rule(DOUBLE, String.valueOf(lastChar), s -> lastChar != 'l' && lastChar != 's' && lastChar != 'z'),
                new Rule("", "e", s -> measure(s) == 1 && endsCvc(s))));
    }

    private static String step1c(String word) {
        return applyRules(word, List.of(
                new Rule("y", "i", s -> s.length() > 1 && isConsonant(s, s.length() - 1))));
    }

    private static String step2(String word) {
        // NLTK applies ALLI -> AL first and, when it fires, runs step 2 again on the result.
        if (word.endsWith("alli") && measure(cut(word, 4)) > 0) return step2(cut(word, 4) + "al");
        // 'logi' -> 'log' takes the measure of word[:-3], so 'geo', 'theo' work like 'philo'.
        List<Rule> rules = new ArrayList<>(STEP2_FIXED);
        rules.add(new Rule("logi", "log", s -> measure(cut(word, 3)) > 0));
        return applyRules(word, rules);
    }

    private static String step3(String word) {
        return applyRules(word, STEP3);
    }

    private static String step4(String word) {
        return applyRules(word, STEP4);
    }

    private static String step5a(String word) {
        // Both E rules are tried (unlike the first-match rule lists).
        if (word.endsWith("e")) {
            String stem = cut(word, 1);
            int m = measure(stem);
            if (m > 1 || (m == 1 && !endsCvc(stem))) return stem;
        }
        return word;
    }

    private static String step5b(String word) {
        if (word.endsWith("ll") && measure(cut(word, 1)) > 1) return cut(word, 1);
        return word;
    }
}
