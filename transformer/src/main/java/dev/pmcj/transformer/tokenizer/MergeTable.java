package dev.pmcj.transformer.tokenizer;

/**
 * BPE merge rules: (left id, right id) -> (priority, merged id), lower priority merges first.
 * A flat open-addressing table of longs, because the merge loop looks pairs up in its inner loop.
 */
final class MergeTable {
    static final long NONE = -1L;

    private long[] keys;
    private long[] values;
    private int mask;
    private int size;

    MergeTable(int expectedEntries) {
        allocate(Integer.highestOneBit(Math.max(4, expectedEntries) * 2 - 1) << 1);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new long[capacity];
        java.util.Arrays.fill(keys, NONE);
        mask = capacity - 1;
        size = 0;
    }

    /** Adds a rule unless the pair already has one (the first, best-priority rule wins). */
    void putIfAbsent(int left, int right, int priority, int merged) {
        if (size * 2 >= keys.length) grow();
        long key = key(left, right);
        int slot = slot(key);
        while (keys[slot] != NONE) {
            if (keys[slot] == key) return;
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = ((long) priority << 32) | (merged & 0xffffffffL);
        size++;
    }

    /** The packed rule for the pair, or {@link #NONE}; unpack with {@link #priority} and {@link #merged}. */
    long get(int left, int right) {
        long key = key(left, right);
        for (int slot = slot(key); keys[slot] != NONE; slot = (slot + 1) & mask) {
            if (keys[slot] == key) return values[slot];
        }
        return NONE;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        allocate(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != NONE) {
                long v = oldValues[i];
                putIfAbsent((int) (oldKeys[i] >>> 32), (int) oldKeys[i], priority(v), merged(v));
            }
        }
    }

    static int priority(long rule) {
        return (int) (rule >>> 32);
    }

    static int merged(long rule) {
        return (int) rule;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
