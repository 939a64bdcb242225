package dev.pmcj.pmc.pipeline;

import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.tensor.Backend;
import dev.pmcj.transformer.checkpoint.Checkpoint;
import dev.pmcj.transformer.checkpoint.CheckpointLoader;
import dev.pmcj.transformer.checkpoint.Checkpoints;
import dev.pmcj.transformer.checkpoint.SafetensorsFormat;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.tokenizer.ByteLevelBpeTokenizer;
import dev.pmcj.transformer.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A trained {@link QaModel} as a folder any Hugging Face reader understands: {@code model.safetensors}
 * (F32) and {@code config.json} with HF names, and the tokenizer as {@code tokenizer.json}. The folder is
 * written beside its target and renamed into place, so a reader sees the old folder or the new one whole.
 */
public final class ModelFolder {
    public static final String TOKENIZER_FILE = "tokenizer.json";
    /** What the model was trained from, as a fingerprint; a rerun reuses the folder only if it matches. */
    public static final String ORIGIN_FILE = "pmcj-origin.txt";

    private ModelFolder() {
    }

    public static void save(QaModel model, Path dir) throws IOException {
        save(model, dir, null);
    }

    /** Saves with the {@link dev.pmcj.pmc.model.Fingerprint} of what the model was trained from (null: none). */
    public static void save(QaModel model, Path dir, String origin) throws IOException {
        if (!(model.tokenizer() instanceof ByteLevelBpeTokenizer bpe)) {
            throw new IllegalArgumentException("model folder " + dir + ": only byte-level BPE tokenizers can be saved, not "
                    + model.tokenizer().getClass().getSimpleName());
        }
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".new");
        try {
            Checkpoints.save(new SafetensorsFormat(), staging, model.decoder().config(), model.decoder().parameters());
            bpe.save(staging.resolve(TOKENIZER_FILE));
            if (origin != null) Files.writeString(staging.resolve(ORIGIN_FILE), origin + "\n");
            if (Files.exists(target)) {
                Path old = Files.createTempDirectory(parent, "." + target.getFileName() + ".old");
                Files.move(target, old.resolve("model"), StandardCopyOption.ATOMIC_MOVE);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            } else {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            deleteTree(staging);
        }
    }

    /** Loads a folder written by {@link #save} (or any GPT-2/Llama safetensors folder with a tokenizer.json). */
    public static QaModel load(Path dir, Backend backend) throws IOException {
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "not a model folder");
        Tokenizer tokenizer = Tokenizer.load(dir.resolve(TOKENIZER_FILE));
        try (Checkpoint checkpoint = CheckpointLoader.load(dir)) {
            ModelConfig c = checkpoint.config();
            if (tokenizer.vocabSize() > c.vocab()) {
                throw new IllegalArgumentException(dir.resolve(TOKENIZER_FILE) + ": vocabulary of " + tokenizer.vocabSize()
                        + " tokens exceeds the model's " + c.vocab());
            }
            Decoder decoder = new Decoder(c, Decoder.newParameters(c, backend));
            Set<String> missing = new HashSet<>(decoder.parameters().names());
            missing.removeAll(checkpoint.names());
            if (!missing.isEmpty()) throw new IllegalArgumentException(checkpoint.file() + ": missing parameters " + missing);
            Checkpoints.copyInto(checkpoint, decoder.parameters());
            return new QaModel(decoder, tokenizer);
        }
    }

    /** The fingerprint saved with the folder's model, or empty where it has none. */
    public static Optional<String> origin(Path dir) throws IOException {
        Path file = dir.resolve(ORIGIN_FILE);
        return Files.isRegularFile(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
