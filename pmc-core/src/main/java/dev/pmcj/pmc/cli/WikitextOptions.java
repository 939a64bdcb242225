package dev.pmcj.pmc.cli;

import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The over-unlearning text: given, every unlearned model gets its wikitext-2 probability shift. */
public final class WikitextOptions {
    @Option(names = "--wikitext", paramLabel = "FILE",
            description = "wikitext-2 text (e.g. wiki.test.raw): measure over-unlearning, the change of p(token | context) of "
                    + "forget-answer tokens in the text's first 100 context-length chunks against the model before unlearning.")
    Path file;

    /** The file, which must exist; null when not given. */
    Path file() {
        if (file != null && !Files.isRegularFile(file)) throw new UserError("--wikitext: no such file: " + file);
        return file;
    }
}
