package dev.pmcj.pmc.data;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A sentence with {@code {slot}} placeholders filled from an attribute map. */
record Template(String text) {
    private static final Pattern SLOT = Pattern.compile("\\{(\\w+)}");

    String fill(Map<String, String> attributes) {
        Matcher m = SLOT.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = attributes.get(m.group(1));
            if (value == null) throw new IllegalStateException("template slot {" + m.group(1) + "} has no value: " + text);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    /** The sentence with only {@code keep} filled and every other slot left empty. */
    String fillOnly(String keep, String value) {
        return text.replace("{" + keep + "}", value).replaceAll("\\{\\w+}", "").replaceAll(" +", " ");
    }
}
