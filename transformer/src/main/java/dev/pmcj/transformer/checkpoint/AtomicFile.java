package dev.pmcj.transformer.checkpoint;

import dev.pmcj.tensor.DType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Buffered little-endian writing to a temporary file beside the target, renamed over it atomically on
 * {@link #commit}; closing without committing deletes the temporary file, so readers never see half a file.
 */
final class AtomicFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private boolean committed;

    AtomicFile(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        Path dir = this.target.getParent();
        Files.createDirectories(dir);
        this.temp = Files.createTempFile(dir, "." + this.target.getFileName(), ".tmp");
        this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    }

    private ByteBuffer room(int bytes) throws IOException {
        if (buffer.remaining() < bytes) flush();
        return buffer;
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) channel.write(buffer);
        buffer.clear();
    }

    void i32(int v) throws IOException {
        room(4).putInt(v);
    }

    void i64(long v) throws IOException {
        room(8).putLong(v);
    }

    void bytes(byte[] b) throws IOException {
        flush();
        ByteBuffer wrapped = ByteBuffer.wrap(b);
        while (wrapped.hasRemaining()) channel.write(wrapped);
    }

    void floats(float[] values, DType type) throws IOException {
        for (float v : values) StoredValues.encode(v, type, room(4));
    }

    /** Flushes, syncs and renames the temporary file over the target. */
    void commit() throws IOException {
        flush();
        channel.force(true);
        channel.close();
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (committed) return;
        channel.close();
        Files.deleteIfExists(temp);
    }
}
