package dev.pmcj.transformer.checkpoint;

import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.tensor.Shape;
import dev.pmcj.transformer.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Path;

/** Moving parameters between checkpoints and a {@link ParameterStore}. */
public final class Checkpoints {
    private Checkpoints() {
    }

    /**
     * Uploads every parameter of {@code checkpoint} into the same-named view of {@code store}.
     *
     * @throws IllegalArgumentException when the store lacks a parameter or holds it with another shape
     */
    public static void copyInto(Checkpoint checkpoint, ParameterStore store) {
        for (String name : checkpoint.names()) {
            Shape shape = checkpoint.shape(name);
            if (!store.contains(name) || !store.shape(name).equals(shape)) {
                throw new IllegalArgumentException(checkpoint.file() + ": parameter " + name + " " + shape + " has no match in the store"
                        + (store.contains(name) ? " (store shape " + store.shape(name) + ")" : ""));
            }
            store.backend().fromHost(checkpoint.read(name), store.value(name));
        }
    }

    /** The store's values, copied to the host one parameter at a time. */
    public static ParameterSource source(ParameterStore store) {
        return name -> store.backend().toHost(store.value(name));
    }

    /** Saves {@code store}'s parameters of {@code config}'s layout atomically in {@code format}. */
    public static void save(WritableFormat format, Path path, ModelConfig config, ParameterStore store) throws IOException {
        format.save(path, config, source(store));
    }
}
