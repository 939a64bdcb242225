package dev.pmcj.pmc.model;

import dev.pmcj.transformer.checkpoint.FloatChunks;
import dev.pmcj.transformer.model.Decoder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of what a saved state was made from (settings as text, data, starting weights), as hex: a
 * rerun compares it before it reuses a saved model or resumes a checkpoint, so that state another run
 * left in the folder is never continued by mistake.
 */
public final class Fingerprint {
    private final MessageDigest sha;

    public Fingerprint() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Adds a text and a terminator, so that ("ab", "c") and ("a", "bc") differ. */
    public Fingerprint text(String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        return this;
    }

    /** Adds the decoder's weights (one host transfer) as little-endian floats. */
    public Fingerprint weights(Decoder model) {
        FloatChunks.forEach(model.parameters().params().toHost(), sha::update);
        return this;
    }

    public String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }
}
