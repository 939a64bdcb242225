package dev.pmcj.transformer.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Floats as little-endian bytes, handed on a chunk at a time through one reused buffer: a training
 * checkpoint writes them to its file, a fingerprint feeds them to its digest.
 */
public final class FloatChunks {
    /** Floats per chunk (4 MB of bytes). */
    public static final int CHUNK_FLOATS = 1 << 20;

    /** Takes each chunk's bytes, from position to limit. */
    @FunctionalInterface
    public interface Sink<E extends Exception> {
        void accept(ByteBuffer bytes) throws E;
    }

    private FloatChunks() {
    }

    public static <E extends Exception> void forEach(float[] data, Sink<E> sink) throws E {
        ByteBuffer buf = ByteBuffer.allocate(4 * Math.min(data.length, CHUNK_FLOATS)).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < data.length; from += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, data.length - from);
            buf.clear();
            buf.asFloatBuffer().put(data, from, n);
            buf.limit(4 * n);
            sink.accept(buf);
        }
    }
}
