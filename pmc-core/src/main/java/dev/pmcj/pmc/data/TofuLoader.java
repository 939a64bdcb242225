package dev.pmcj.pmc.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads TOFU's JSON-lines files (the layout of {@code ../shared/data/tofu}): {@code full.jsonl},
 * {@code forgetNN[_perturbed].jsonl}, {@code retainMM.jsonl}, {@code holdoutNN.jsonl},
 * {@code retain_perturbed.jsonl}, {@code world_facts_perturbed.jsonl}, {@code real_authors_perturbed.jsonl}
 * and {@code idontknow.txt}. Every line must be an object with string {@code question} and
 * {@code answer}; {@code paraphrased_question}, {@code paraphrased_answer} (strings) and
 * {@code perturbed_answer} (array of strings) are optional; other fields are ignored.
 */
public final class TofuLoader {
    /** TOFU orders {@code full.jsonl} by author, 20 questions each. */
    public static final int QUESTIONS_PER_AUTHOR = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TofuLoader() {
    }

    /** The TOFU experiment for {@code split} = forget01, forget05 or forget10. */
    public static UnlearningData load(Path dir, String split) throws IOException {
        int percent = switch (split) {
            case "forget01" -> 1;
            case "forget05" -> 5;
            case "forget10" -> 10;
            default -> throw new IllegalArgumentException(
                    "unknown TOFU split '" + split + "'; expected forget01, forget05 or forget10");
        };
        String pp = String.format("%02d", percent);
        List<QaItem> full = groupedByPosition(read(dir.resolve("full.jsonl"), QaItem.Kind.AUTHOR, NO_GROUPS), 0);
        Map<String, Integer> authorOf = new HashMap<>();
        for (QaItem q : full) authorOf.putIfAbsent(q.question(), q.group());
        int authors = full.getLast().group() + 1;
        return new UnlearningData("tofu " + split, full,
                read(dir.resolve("forget" + pp + "_perturbed.jsonl"), QaItem.Kind.AUTHOR, authorOf::get),
                read(dir.resolve("retain" + String.format("%02d", 100 - percent) + ".jsonl"), QaItem.Kind.AUTHOR, authorOf::get),
                read(dir.resolve("retain_perturbed.jsonl"), QaItem.Kind.AUTHOR, authorOf::get),
                groupedByPosition(read(dir.resolve("holdout" + pp + ".jsonl"), QaItem.Kind.AUTHOR, NO_GROUPS), authors),
                read(dir.resolve("world_facts_perturbed.jsonl"), QaItem.Kind.WORLD_FACT, NO_GROUPS),
                read(dir.resolve("real_authors_perturbed.jsonl"), QaItem.Kind.REAL_AUTHOR, NO_GROUPS),
                readLines(dir.resolve("idontknow.txt")));
    }

    /** Gives every item {@link QaItem#NO_GROUP}. */
    public static final Function<String, Integer> NO_GROUPS = q -> QaItem.NO_GROUP;

    /** Author ids from the position: TOFU lists each author's questions together. */
    private static List<QaItem> groupedByPosition(List<QaItem> items, int firstAuthor) {
        List<QaItem> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) out.add(items.get(i).withGroup(firstAuthor + i / QUESTIONS_PER_AUTHOR));
        return out;
    }

    /**
     * Reads one JSON-lines file. {@code groupOf} gives each question's author id; it returns null for
     * a question it does not know, which is an error.
     */
    public static List<QaItem> read(Path file, QaItem.Kind kind, Function<String, Integer> groupOf) throws IOException {
        List<QaItem> items = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            for (int no = 1; (line = in.readLine()) != null; no++) {
                if (line.isBlank()) continue;
                items.add(parse(file, no, line, kind, groupOf));
            }
        }
        if (items.isEmpty()) throw new MalformedDataException(file, "no items");
        return items;
    }

    private static QaItem parse(Path file, int no, String line, QaItem.Kind kind, Function<String, Integer> groupOf)
            throws MalformedDataException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MalformedDataException(file, no, "not valid JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) throw new MalformedDataException(file, no, "expected a JSON object, got " + node.getNodeType());
        String question = string(file, no, node, "question", true);
        String answer = string(file, no, node, "answer", true);
        List<String> perturbed = new ArrayList<>();
        JsonNode p = node.get("perturbed_answer");
        if (p != null) {
            if (!p.isArray()) throw new MalformedDataException(file, no, "'perturbed_answer' must be an array of strings");
            for (JsonNode e : p) {
                if (!e.isTextual()) throw new MalformedDataException(file, no, "'perturbed_answer' must hold only strings");
                perturbed.add(e.asText());
            }
        }
        Integer group = groupOf.apply(question);
        if (group == null) throw new MalformedDataException(file, no, "question not found in full.jsonl: " + question);
        return new QaItem(question, answer, string(file, no, node, "paraphrased_question", false),
                string(file, no, node, "paraphrased_answer", false), perturbed, group, kind);
    }

    private static String string(Path file, int no, JsonNode node, String field, boolean required)
            throws MalformedDataException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new MalformedDataException(file, no, "missing field '" + field + "'");
            return null;
        }
        if (!v.isTextual()) throw new MalformedDataException(file, no, "field '" + field + "' must be a string, got " + v.getNodeType());
        return v.asText();
    }

    /** The non-blank lines of a text file (e.g. TOFU's refusals), stripped. */
    public static List<String> readLines(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (lines.isEmpty()) throw new MalformedDataException(file, "no lines");
        return lines;
    }
}
