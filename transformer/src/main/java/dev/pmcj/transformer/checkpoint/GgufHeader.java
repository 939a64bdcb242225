package dev.pmcj.transformer.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed GGUF v2/v3 header: metadata key/values, tensor infos and where the data section starts.
 * Counts and lengths are checked against the bytes left before anything is allocated for them.
 */
record GgufHeader(int version, Map<String, Object> metadata, Map<String, TensorInfo> tensors, long dataStart, long fileSize) {

    /** {@code dims} fastest-first as stored ({@code dims[0]} = columns); {@code offset} relative to the data section. */
    record TensorInfo(String name, long[] dims, int type, long offset) {
    }

    static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4;
    private static final int MAX_ARRAY_DEPTH = 4;
    // Metadata value types of the GGUF specification.
    private static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
            STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;

    static GgufHeader read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            HeaderReader r = new HeaderReader(file, channel);
            if (r.i32("GGUF magic") != GgufFormat.MAGIC) throw r.error("not a GGUF file (magic is not 'GGUF')");
            int version = r.i32("GGUF version");
            if (version != 2 && version != 3) throw r.error("GGUF version " + version + " is not supported (2 or 3)");
            long tensorCount = r.i64("tensor count"), kvCount = r.i64("metadata count");
            // Each key/value needs at least 8 + 4 + 1 bytes and each tensor info 8 + 4 + 8 + 4 + 8.
            checkCount(r, kvCount, 13, "metadata key/values");
            checkCount(r, tensorCount, 32, "tensor infos");
            Map<String, Object> metadata = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = string(r, "metadata key " + i);
                Object value = value(r, r.i32("type of " + key), key, 0);
                if (metadata.put(key, value) != null) throw r.error("metadata key " + key + " appears twice");
            }
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            for (long i = 0; i < tensorCount; i++) {
                String name = string(r, "tensor name " + i);
                int rank = r.i32("rank of " + name);
                if (rank < 1 || rank > MAX_DIMS) throw r.error("tensor " + name + " has " + rank + " dimensions (1 to 4 allowed)");
                long[] dims = new long[rank];
                for (int d = 0; d < rank; d++) {
                    dims[d] = r.i64("dimensions of " + name);
                    if (dims[d] < 0 || dims[d] > Integer.MAX_VALUE) throw r.error("tensor " + name + " has extent " + Long.toUnsignedString(dims[d]));
                }
                TensorInfo t = new TensorInfo(name, dims, r.i32("type of " + name), r.i64("offset of " + name));
                if (tensors.put(name, t) != null) throw r.error("tensor " + name + " appears twice");
            }
            long alignment = alignment(r, metadata.get("general.alignment"));
            long dataStart = (r.position() + alignment - 1) / alignment * alignment;
            if (dataStart > r.size()) throw r.error("data section would start at " + dataStart + ", past the end (" + r.size() + ")");
            for (TensorInfo t : tensors.values()) {
                if (t.offset() < 0 || t.offset() % alignment != 0) {
                    throw r.error("tensor " + t.name() + " offset " + Long.toUnsignedString(t.offset()) + " is not a multiple of the alignment " + alignment);
                }
            }
            return new GgufHeader(version, Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors), dataStart, r.size());
        }
    }

    private static void checkCount(HeaderReader r, long count, long minBytes, String what) throws CheckpointException {
        if (count < 0 || count > r.remaining() / minBytes) {
            throw r.error(Long.toUnsignedString(count) + " " + what + " cannot fit in the " + r.remaining() + " bytes left");
        }
    }

    private static long alignment(HeaderReader r, Object value) throws CheckpointException {
        if (value == null) return DEFAULT_ALIGNMENT;
        if (value instanceof Long a && a > 0 && a <= 1 << 20 && Long.bitCount(a) == 1) return a;
        throw r.error("general.alignment " + value + " is not a uint32 power of two");
    }

    private static String string(HeaderReader r, String what) throws IOException {
        return r.utf8(r.i64("length of " + what), what);
    }

    private static Object value(HeaderReader r, int type, String key, int depth) throws IOException {
        return switch (type) {
            case UINT8 -> r.u8(key);
            case INT8 -> (int) (byte) r.u8(key);
            case UINT16 -> r.i16(key) & 0xFFFF;
            case INT16 -> (int) r.i16(key);
            case UINT32 -> r.i32(key) & 0xFFFFFFFFL;
            case INT32 -> r.i32(key);
            case FLOAT32 -> r.f32(key);
            case BOOL -> {
                int b = r.u8(key);
                if (b > 1) throw r.error("metadata " + key + " is a bool of value " + b);
                yield b == 1;
            }
            case STRING -> string(r, "metadata " + key);
            case UINT64, INT64 -> r.i64(key);
            case FLOAT64 -> r.f64(key);
            case ARRAY -> {
                if (depth >= MAX_ARRAY_DEPTH) throw r.error("metadata " + key + " nests arrays deeper than " + MAX_ARRAY_DEPTH);
                int elementType = r.i32("array type of " + key);
                long count = r.i64("array length of " + key);
                checkCount(r, count, minBytes(r, elementType, key), "elements of metadata array " + key);
                List<Object> out = new ArrayList<>();
                for (long i = 0; i < count; i++) out.add(value(r, elementType, key, depth + 1));
                yield Collections.unmodifiableList(out);
            }
            default -> throw r.error("metadata " + key + " has unknown value type " + type);
        };
    }

    private static long minBytes(HeaderReader r, int type, String key) throws CheckpointException {
        return switch (type) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16 -> 2;
            case UINT32, INT32, FLOAT32 -> 4;
            case UINT64, INT64, FLOAT64, STRING -> 8;
            case ARRAY -> 12;
            default -> throw r.error("metadata array " + key + " has unknown element type " + type);
        };
    }
}
