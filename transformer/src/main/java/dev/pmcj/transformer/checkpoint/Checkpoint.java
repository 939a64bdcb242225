package dev.pmcj.transformer.checkpoint;

import dev.pmcj.tensor.DType;
import dev.pmcj.tensor.DTypes;
import dev.pmcj.tensor.Shape;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.model.ParameterLayout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An open checkpoint: its config and, for every name of {@link ParameterLayout}, where the numbers lie in
 * the memory-mapped file. {@link #read} converts straight from the mapped bytes into the caller's array
 * (one copy). Reads may run concurrently; close once every read has finished.
 */
public final class Checkpoint implements AutoCloseable {

    /** Where a model parameter is stored: file tensor name, element type, absolute byte offset, stored order. */
    record Slot(String storedName, DType dtype, Shape storedShape, long offset, Transform transform) {
    }

    private final Path file;
    private final CheckpointFormat format;
    private final ModelConfig config;
    private final Map<String, Slot> slots;
    private final Map<String, Shape> shapes;
    private final Map<String, Object> metadata;
    private final Arena arena;
    private final MemorySegment data;

    private Checkpoint(Path file, CheckpointFormat format, ModelConfig config, Map<String, Slot> slots,
                       Map<String, Shape> shapes, Map<String, Object> metadata, Arena arena, MemorySegment data) {
        this.file = file;
        this.format = format;
        this.config = config;
        this.slots = slots;
        this.shapes = shapes;
        this.metadata = metadata;
        this.arena = arena;
        this.data = data;
    }

    /**
     * Checks every slot against the layout of {@code config} and the size of {@code file}, then maps the
     * file. {@code slots} must hold one entry per layout name (formats report missing tensors themselves).
     */
    static Checkpoint map(Path file, CheckpointFormat format, ModelConfig config, Map<String, Slot> slots,
                          Map<String, Object> metadata) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            Map<String, Slot> ordered = new LinkedHashMap<>();
            Map<String, Shape> shapes = new LinkedHashMap<>();
            for (ParameterLayout.Entry e : ParameterLayout.of(config)) {
                Slot s = slots.get(e.name());
                if (s == null) throw new CheckpointException(file, "no tensor for parameter " + e.name());
                check(file, e, s, size);
                ordered.put(e.name(), s);
                shapes.put(e.name(), e.shape());
            }
            Arena arena = Arena.ofShared();
            try {
                MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                return new Checkpoint(file, format, config, Collections.unmodifiableMap(ordered),
                        Collections.unmodifiableMap(shapes), Collections.unmodifiableMap(metadata), arena, data);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    private static void check(Path file, ParameterLayout.Entry e, Slot s, long fileSize) throws CheckpointException {
        String what = "tensor " + s.storedName() + " (parameter " + e.name() + ")";
        Shape expected = s.transform().storedShape(e.shape());
        if (!s.storedShape().equals(expected)) {
            throw new CheckpointException(file, what + " has shape " + s.storedShape() + " but the config needs " + expected);
        }
        if (e.shape().numel() > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(file, what + " has " + e.shape().numel() + " elements, more than a Java array holds");
        }
        if (s.dtype() == DType.Q8_0 && (s.transform() instanceof Transform.Transposed || e.shape().last() % DTypes.Q8_0_BLOCK != 0)) {
            throw new CheckpointException(file, what + " is Q8_0 but its rows of " + e.shape().last() + " are not whole blocks of 32");
        }
        long bytes = s.dtype().byteSize(e.shape().numel());
        if (s.offset() < 0 || s.offset() > fileSize || bytes > fileSize - s.offset()) {
            throw new CheckpointException(file, what + " spans bytes [" + s.offset() + ", " + (s.offset() + bytes)
                    + ") beyond the file's " + fileSize);
        }
    }

    public Path file() {
        return file;
    }

    public CheckpointFormat format() {
        return format;
    }

    public ModelConfig config() {
        return config;
    }

    /** The model's parameter names, in {@link ParameterLayout} order. */
    public Set<String> names() {
        return shapes.keySet();
    }

    /** The parameter's shape in the model's layout. */
    public Shape shape(String name) {
        slot(name);
        return shapes.get(name);
    }

    /** How the file stores the parameter (F32, F16, BF16 or Q8_0). */
    public DType storedType(String name) {
        return slot(name).dtype();
    }

    /** The tensor's name inside the file. */
    public String storedName(String name) {
        return slot(name).storedName();
    }

    /** Format-specific header values: GGUF key/values, safetensors {@code __metadata__}; empty for llama2.c. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** Converts the parameter into {@code dst[dstOffset .. dstOffset + shape(name).numel())} in model layout. */
    public void read(String name, float[] dst, int dstOffset) {
        Slot s = slot(name);
        Shape shape = shapes.get(name);
        int n = shape.size();
        Objects.checkFromIndexSize(dstOffset, n, dst.length);
        switch (s.transform()) {
            case Transform.Identity id -> DTypes.read(s.dtype(), data, s.offset(), dst, dstOffset, n);
            case Transform.HalfSplitRows(int headDim) -> {
                int rows = shape.dim(0), cols = shape.dim(1);
                long rowBytes = s.dtype().byteSize(cols);
                for (int r = 0; r < rows; r++) {
                    long from = s.offset() + RotaryOrder.halfSplitRow(r, headDim) * rowBytes;
                    DTypes.read(s.dtype(), data, from, dst, dstOffset + r * cols, cols);
                }
            }
            case Transform.Transposed t -> {
                int rows = shape.dim(0), cols = shape.dim(1);
                long elementBytes = s.dtype().byteSize(1);
                for (int c = 0; c < cols; c++) {
                    long from = s.offset() + (long) c * rows * elementBytes;
                    for (int r = 0; r < rows; r++) {
                        dst[dstOffset + r * cols + c] = StoredValues.decodeOne(data, from + r * elementBytes, s.dtype());
                    }
                }
            }
        }
    }

    /** The parameter in a new array. */
    public float[] read(String name) {
        float[] out = new float[shape(name).size()];
        read(name, out, 0);
        return out;
    }

    private Slot slot(String name) {
        Slot s = slots.get(name);
        if (s == null) throw new IllegalArgumentException(file + ": no parameter named " + name + "; the model has " + slots.size());
        return s;
    }

    /** Unmaps the file; later reads fail with {@link IllegalStateException}. */
    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "Checkpoint[" + file + ", " + format.name() + ", " + config + "]";
    }
}
