package dev.pmcj.transformer.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The checkpoint formats PMC-J reads: llama2.c {@code .bin}, safetensors with a Hugging Face
 * {@code config.json}, and GGUF (read only). Every reader checks all header numbers against the file's
 * size before it allocates or maps anything, and fails with a {@link CheckpointException} naming the file.
 */
public sealed interface CheckpointFormat permits WritableFormat, GgufFormat {

    /** A short name for messages ({@code "llama2.c"}, {@code "safetensors"}, {@code "gguf"}). */
    String name();

    /** Reads the header, validates it and maps the file. */
    Checkpoint open(Path path) throws IOException;

    /**
     * The format of {@code path} from its first bytes: a directory is safetensors (with
     * {@code config.json}); a file starting {@code GGUF} is GGUF; an 8-byte little-endian header length
     * (2 bytes to 100 MB) followed by {@code '{'} is safetensors; anything else of at least 28 bytes is
     * read as a llama2.c header (whose reader then checks the implied size against the file's).
     */
    static CheckpointFormat detect(Path path) throws IOException {
        if (Files.isDirectory(path)) return new SafetensorsFormat();
        if (!Files.isRegularFile(path)) throw new CheckpointException(path, "no such checkpoint file or folder");
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer head = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
            while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
                // keep reading: a short file just leaves the buffer partly filled
            }
            head.flip();
            if (head.remaining() >= 4 && head.getInt(0) == GgufFormat.MAGIC) return new GgufFormat();
            // A llama2.c header read as a length is dim + hidden_dim * 2^32, far above any safetensors header.
            if (head.remaining() == 9 && head.get(8) == '{' && head.getLong(0) >= 2 && head.getLong(0) <= SafetensorsFormat.MAX_HEADER) {
                return new SafetensorsFormat();
            }
            if (size >= Llama2cFormat.HEADER_BYTES) return new Llama2cFormat();
            throw new CheckpointException(path, "not a checkpoint: " + size + " bytes, no GGUF magic, no safetensors"
                    + " header, too short for a llama2.c header");
        }
    }
}
