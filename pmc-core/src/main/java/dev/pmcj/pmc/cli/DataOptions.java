package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.data.AuthorDataConfig;
import dev.pmcj.pmc.data.AuthorGenerator;
import dev.pmcj.pmc.data.TofuLoader;
import dev.pmcj.pmc.data.UnlearningData;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the QA data comes from: {@code builtin} (the generated fictitious authors, sized by the options
 * below; the same options must be given to every command that works on one model) or a TOFU folder.
 */
public final class DataOptions {
    private static final AuthorDataConfig D = AuthorDataConfig.DEFAULT;

    @Option(names = "--data", required = true, paramLabel = "builtin|DIR",
            description = "builtin (generated authors) or a folder in TOFU's layout, e.g. ../shared/data/tofu.")
    String data;

    @Option(names = "--split", defaultValue = "forget10", paramLabel = "forget01|forget05|forget10",
            description = "Forget split (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--data-seed", defaultValue = "0", paramLabel = "S",
            description = "builtin: seed of the generated authors (default: ${DEFAULT-VALUE}, as pmc demo).")
    long dataSeed;

    @Option(names = "--authors", paramLabel = "N", description = "builtin: authors (default 100).")
    Integer authors;

    @Option(names = "--facts", paramLabel = "N", description = "builtin: facts per author (default 10).")
    Integer facts;

    @Option(names = "--world-facts", paramLabel = "N", description = "builtin: general-knowledge items (default 100).")
    Integer worldFacts;

    @Option(names = "--real-authors", paramLabel = "N", description = "builtin: real-author items (default 30).")
    Integer realAuthors;

    @Option(names = "--refusal-items", paramLabel = "N", description = "builtin: refusal training items (default 40).")
    Integer refusalItems;

    boolean builtin() {
        return data.equals("builtin");
    }

    UnlearningData load() throws IOException {
        if (!builtin()) return TofuLoader.load(Path.of(data), split);
        return AuthorGenerator.generate(config()).split(percent());
    }

    private AuthorDataConfig config() {
        return new AuthorDataConfig(or(authors, D.authors()), or(facts, D.factsPerAuthor()), D.perturbedPerFact(),
                or(worldFacts, D.worldFacts()), or(realAuthors, D.realAuthors()), or(refusalItems, D.refusalItems()), dataSeed);
    }

    private int percent() {
        return switch (split) {
            case "forget01" -> 1;
            case "forget05" -> 5;
            case "forget10" -> 10;
            default -> throw new UserError("--split: unknown split '" + split + "'; expected forget01, forget05 or forget10");
        };
    }

    /** For config.json. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", data);
        m.put("split", split);
        if (builtin()) m.put("builtin", config());
        return m;
    }

    private static int or(Integer v, int fallback) {
        return v != null ? v : fallback;
    }
}
