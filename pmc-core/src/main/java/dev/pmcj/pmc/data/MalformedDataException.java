package dev.pmcj.pmc.data;

import java.io.IOException;
import java.nio.file.Path;

/** A dataset file that cannot be read as expected; the message names the file, the line and the problem. */
public class MalformedDataException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedDataException(Path file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
    }

    public MalformedDataException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
