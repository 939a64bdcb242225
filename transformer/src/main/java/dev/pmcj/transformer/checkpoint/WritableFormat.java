package dev.pmcj.transformer.checkpoint;

import dev.pmcj.transformer.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Path;

/** A format PMC-J can also write. Saving is atomic: a temporary file in the same folder, then a rename. */
public sealed interface WritableFormat extends CheckpointFormat permits Llama2cFormat, SafetensorsFormat {

    /**
     * Writes every parameter of {@code config}'s layout, taking the values from {@code source}.
     *
     * @throws IllegalArgumentException when the format cannot represent {@code config}
     */
    void save(Path path, ModelConfig config, ParameterSource source) throws IOException;
}
