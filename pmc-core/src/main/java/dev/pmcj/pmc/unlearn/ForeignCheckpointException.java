package dev.pmcj.pmc.unlearn;

import java.nio.file.Path;

/**
 * A checkpoint in the run's folder that another run wrote (another method, other starting weights or
 * settings): resuming from it would continue silently from the wrong model. Thrown before anything is restored.
 */
public final class ForeignCheckpointException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final String reason;

    ForeignCheckpointException(Path file, String reason) {
        super(file + " is the checkpoint of another run (" + reason + "); remove it to start afresh, or choose another output folder");
        this.file = file;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    /** What differs from this run, e.g. "method 'ga'". */
    public String reason() {
        return reason;
    }
}
