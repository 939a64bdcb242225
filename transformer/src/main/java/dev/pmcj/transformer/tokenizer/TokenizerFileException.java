package dev.pmcj.transformer.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/** A tokenizer file that cannot be used: the message names the file and the problem. */
public final class TokenizerFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public TokenizerFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public TokenizerFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
