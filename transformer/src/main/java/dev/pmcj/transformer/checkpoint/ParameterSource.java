package dev.pmcj.transformer.checkpoint;

import java.io.IOException;

/** A parameter's values in the model's layout, by {@link dev.pmcj.transformer.model.ParameterLayout} name. */
@FunctionalInterface
public interface ParameterSource {
    float[] values(String name) throws IOException;

    /** The parameters of an open checkpoint. */
    static ParameterSource of(Checkpoint checkpoint) {
        return checkpoint::read;
    }
}
