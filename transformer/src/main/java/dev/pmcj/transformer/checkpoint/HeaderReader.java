package dev.pmcj.transformer.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Little-endian sequential reads of a file's header through a small buffer. Every read first checks
 * that the bytes exist, so a header number can never make us allocate or read past the end of the file.
 */
final class HeaderReader {
    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN).flip();
    private long position; // file position of buffer.position()

    HeaderReader(Path file, FileChannel channel) throws IOException {
        this.file = file;
        this.channel = channel;
        this.size = channel.size();
    }

    long size() {
        return size;
    }

    long position() {
        return position;
    }

    long remaining() {
        return size - position;
    }

    CheckpointException error(String problem) {
        return new CheckpointException(file, problem);
    }

    /** Fails unless {@code n} more bytes exist; {@code what} names the field for the message. */
    void require(long n, String what) throws CheckpointException {
        if (n < 0 || n > remaining()) {
            throw error(what + " needs " + (n < 0 ? "a negative number of" : Long.toUnsignedString(n)) + " bytes at offset "
                    + position + " but the file has " + remaining() + " left (size " + size + ")");
        }
    }

    private ByteBuffer fill(int n, String what) throws IOException {
        require(n, what);
        if (buffer.remaining() < n) {
            buffer.compact();
            while (buffer.position() < n) {
                if (channel.read(buffer, position + buffer.position()) < 0) throw error("unexpected end of file in " + what);
            }
            buffer.flip();
        }
        position += n;
        return buffer;
    }

    int u8(String what) throws IOException {
        return fill(1, what).get() & 0xFF;
    }

    short i16(String what) throws IOException {
        return fill(2, what).getShort();
    }

    int i32(String what) throws IOException {
        return fill(4, what).getInt();
    }

    long i64(String what) throws IOException {
        return fill(8, what).getLong();
    }

    float f32(String what) throws IOException {
        return fill(4, what).getFloat();
    }

    double f64(String what) throws IOException {
        return fill(8, what).getDouble();
    }

    /** {@code n} bytes; {@code n} was read from the file, so it is checked against what is left first. */
    byte[] bytes(long n, String what) throws IOException {
        require(n, what);
        if (n > Integer.MAX_VALUE - 8) throw error(what + " of " + n + " bytes is too large");
        byte[] out = new byte[(int) n];
        int done = 0;
        while (done < out.length) {
            int chunk = Math.min(out.length - done, buffer.capacity());
            fill(chunk, what).get(out, done, chunk);
            done += chunk;
        }
        return out;
    }

    String utf8(long n, String what) throws IOException {
        return new String(bytes(n, what), StandardCharsets.UTF_8);
    }

    void skip(long n, String what) throws IOException {
        require(n, what);
        long inBuffer = Math.min(n, buffer.remaining());
        buffer.position(buffer.position() + (int) inBuffer);
        if (inBuffer < n) buffer.position(buffer.limit());
        position += n;
    }
}
