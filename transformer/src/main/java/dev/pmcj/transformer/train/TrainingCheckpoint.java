package dev.pmcj.transformer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.transformer.checkpoint.FloatChunks;
import dev.pmcj.transformer.model.ModelConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The whole state of a {@link Trainer} in one file, {@code training-state.pmcj} in a folder:
 * magic {@code PMCJTRN1}, a little-endian int header length, a JSON header (model config, optimizer
 * kind and step, RNG state, the caller's extra JSON), then parameters, first and second moments as
 * little-endian float32. Written to a temporary file in the same folder and renamed over the old
 * one, so a kill leaves either the old or the new state.
 */
public final class TrainingCheckpoint {
    public static final String FILE = "training-state.pmcj";
    private static final byte[] MAGIC = "PMCJTRN1".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingCheckpoint() {
    }

    record Header(int version, ModelConfig config, String optimizer, long optimizerSteps, long rngState,
                  long parameterCount, String extraJson) {
    }

    /** What {@link #load} restores besides the trainer's own state. */
    public record Restored(long step, long rngState, String extraJson) {
    }

    /** Saves at an optimizer-step boundary (no gradients pending); {@code extraJson} is stored verbatim. */
    public static void save(Path dir, Trainer trainer, long rngState, String extraJson) throws IOException {
        if (trainer.pendingMicroSteps() != 0) {
            throw new IllegalStateException("TrainingCheckpoint.save: " + trainer.pendingMicroSteps()
                    + " micro-steps are pending; save after the optimizer step");
        }
        ParameterStore store = trainer.model().parameters();
        Header header = new Header(VERSION, trainer.model().config(), optimizerKind(trainer), trainer.step(), rngState,
                store.size(), extraJson);
        byte[] json = JSON.writeValueAsBytes(header);
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, FILE, ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4 + json.length).order(ByteOrder.LITTLE_ENDIAN);
                head.put(MAGIC).putInt(json.length).put(json).flip();
                writeFully(ch, head);
                for (Tensor t : new Tensor[]{store.params(), store.firstMoment(), store.secondMoment()}) {
                    FloatChunks.forEach(t.toHost(), bytes -> writeFully(ch, bytes));
                }
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Restores parameters, moments and optimizer step into {@code trainer} (same config and optimizer kind). */
    public static Restored load(Path dir, Trainer trainer) throws IOException {
        Path file = dir.resolve(FILE);
        ParameterStore store = trainer.model().parameters();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = readHeader(ch, file);
            long floats = store.size();
            long expected = ch.position() + 3 * 4 * floats;
            if (ch.size() != expected) {
                throw new CheckpointFormatException(file + ": size " + ch.size() + " bytes, expected " + expected
                        + " for its header and " + floats + " parameters");
            }
            check(file, h.config().equals(trainer.model().config()), "model config " + h.config()
                    + " differs from the trainer's " + trainer.model().config());
            check(file, h.optimizer().equals(optimizerKind(trainer)), "optimizer " + h.optimizer()
                    + " differs from the trainer's " + optimizerKind(trainer));
            check(file, h.parameterCount() == floats, "parameter count " + h.parameterCount() + ", expected " + floats);
            Backend b = store.backend();
            for (Tensor t : new Tensor[]{store.params(), store.firstMoment(), store.secondMoment()}) {
                b.fromHost(readFloats(ch, t.size(), file), t);
            }
            store.zeroGrad();
            trainer.optimizer().setSteps(h.optimizerSteps());
            return new Restored(h.optimizerSteps(), h.rngState(), h.extraJson());
        }
    }

    /** The caller's extra JSON of the checkpoint in {@code dir}, from its header alone: nothing is restored. */
    public static String extraJson(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(ch, file).extraJson();
        }
    }

    /** Magic, length and JSON header; leaves {@code ch} at the first parameter. */
    private static Header readHeader(FileChannel ch, Path file) throws IOException {
        ByteBuffer head = readFully(ch, MAGIC.length + 4, file);
        byte[] magic = new byte[MAGIC.length];
        head.get(magic);
        if (!Arrays.equals(magic, MAGIC)) throw new CheckpointFormatException(file + ": not a PMC-J training checkpoint (bad magic)");
        int jsonLength = head.getInt();
        if (jsonLength <= 0 || jsonLength > ch.size() - ch.position()) {
            throw new CheckpointFormatException(file + ": header length " + jsonLength + " bytes, but "
                    + (ch.size() - ch.position()) + " bytes follow it");
        }
        Header h = JSON.readValue(readFully(ch, jsonLength, file).array(), Header.class);
        check(file, h.version() == VERSION, "version " + h.version() + ", expected " + VERSION);
        return h;
    }

    private static String optimizerKind(Trainer trainer) {
        return trainer.optimizer().getClass().getSimpleName();
    }

    private static void check(Path file, boolean ok, String problem) throws CheckpointFormatException {
        if (!ok) throw new CheckpointFormatException(file + ": " + problem);
    }

    private static float[] readFloats(FileChannel ch, int count, Path file) throws IOException {
        float[] out = new float[count];
        for (int from = 0; from < count; from += FloatChunks.CHUNK_FLOATS) {
            int n = Math.min(FloatChunks.CHUNK_FLOATS, count - from);
            readFully(ch, 4 * n, file).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out, from, n);
        }
        return out;
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    private static ByteBuffer readFully(FileChannel ch, int bytes, Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) throw new CheckpointFormatException(file + ": truncated");
        }
        return buf.flip();
    }

    /** A training checkpoint that is malformed or belongs to another model or optimizer. */
    public static final class CheckpointFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        public CheckpointFormatException(String message) {
            super(message);
        }
    }
}
