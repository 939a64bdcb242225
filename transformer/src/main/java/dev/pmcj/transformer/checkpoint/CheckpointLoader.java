package dev.pmcj.transformer.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** Opens any supported checkpoint, detecting its format from the first bytes. */
public final class CheckpointLoader {
    private CheckpointLoader() {
    }

    /** {@code CheckpointFormat.detect(path).open(path)}; close the result when done reading. */
    public static Checkpoint load(Path path) throws IOException {
        return CheckpointFormat.detect(path).open(path);
    }
}
