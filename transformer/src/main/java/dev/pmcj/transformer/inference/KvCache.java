package dev.pmcj.transformer.inference;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.transformer.model.ModelConfig;

/**
 * Keys and values of every layer, {@code [streams, maxLength, kvHeads, headDim]} each, allocated once.
 * A stream owns one slot (index on axis 0); its entry at position p is written when token p is fed.
 */
public final class KvCache {
    private final Backend backend;
    private final Tensor[] keys, values;
    /** The same buffers as {@code [streams * maxLength, kvHeads * headDim]}: row {@link #row}(slot, position). */
    private final Tensor[] keyRows, valueRows;
    private final int streams, maxLength;

    public KvCache(Backend backend, ModelConfig c, int streams, int maxLength) {
        if (streams <= 0 || maxLength <= 0) {
            throw new IllegalArgumentException("KvCache: streams " + streams + " and maxLength " + maxLength + " must be positive");
        }
        this.backend = backend;
        this.streams = streams;
        this.maxLength = maxLength;
        keys = new Tensor[c.layers()];
        values = new Tensor[c.layers()];
        Shape shape = Shape.of(streams, maxLength, c.kvHeads(), c.headDim());
        keyRows = new Tensor[c.layers()];
        valueRows = new Tensor[c.layers()];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = backend.allocate(shape);
            values[l] = backend.allocate(shape);
            keyRows[l] = keys[l].reshape(streams * maxLength, c.kvDim());
            valueRows[l] = values[l].reshape(streams * maxLength, c.kvDim());
        }
    }

    public int streams() {
        return streams;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Keys of slots {@code [from, to)}, {@code [to-from, maxLength, kvHeads, headDim]} (a contiguous view). */
    public Tensor keys(int layer, int from, int to) {
        return keys[layer].slice(0, from, to);
    }

    public Tensor values(int layer, int from, int to) {
        return values[layer].slice(0, from, to);
    }

    /** The cache row of {@code slot}'s entry at {@code position}, for {@link #write}. */
    public int row(int slot, int position) {
        if (position < 0 || position >= maxLength) {
            throw new IllegalArgumentException("KvCache: position " + position + " outside [0, maxLength " + maxLength + ")");
        }
        return slot * maxLength + position;
    }

    /** Writes row n of {@code k, v [N, kvHeads * headDim]} at cache row {@code rows[n]} (strictly increasing). */
    public void write(int layer, int[] rows, Tensor k, Tensor v) {
        backend.scatterRows(k, rows, keyRows[layer]);
        backend.scatterRows(v, rows, valueRows[layer]);
    }

    /** Copies slot {@code from}'s first {@code length} positions into slot {@code to} (compaction, a repeated prompt). */
    public void copySlot(int from, int to, int length) {
        for (int l = 0; l < keys.length; l++) {
            backend.copy(region(keyRows[l], from, 0, length), region(keyRows[l], to, 0, length));
            backend.copy(region(valueRows[l], from, 0, length), region(valueRows[l], to, 0, length));
        }
    }

    private Tensor region(Tensor rows, int slot, int start, int count) {
        int first = slot * maxLength + start;
        return rows.slice(0, first, first + count);
    }
}
