package dev.pmcj.tensor;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rope's cosines and sines for one base, head size and direction, computed once per position and
 * kept: decoding rotates one row per stream and call, where a {@code Math.cos} and a {@code Math.sin}
 * per pair cost more than the rotation itself. A row holds the same double expressions cast to
 * float as computing them in place, so the same bits. Positions from {@link #CACHED} on (past any
 * context a model here has) are computed at each call, so a large position cannot grow the table.
 * The CPU backend rotates with its rows; the OpenCL backend uploads them.
 */
public final class RopeTable {
    static final int CACHED = 1 << 16;

    private record Key(float theta, int d, int sign) {
    }

    private static final ConcurrentHashMap<Key, RopeTable> TABLES = new ConcurrentHashMap<>();
    /** The table the last call asked for: decoding asks for one table at every call, and the map's lookup cost 100 ns of a 230 ns rotation. */
    private static volatile RopeTable last;

    private final Key key;
    private final double[] freq;
    /** Row p: {@code cos, sin} of each pair's angle at position p; grown by doubling under the lock. */
    private volatile float[][] rows = new float[0][];

    private RopeTable(Key key) {
        this.key = key;
        freq = new double[key.d / 2];
        for (int i = 0; i < freq.length; i++) freq[i] = key.sign * Math.pow(key.theta, -2.0 * i / key.d);
    }

    /** The table of angles {@code sign * position * theta^(-2i/d)}. */
    public static RopeTable of(float theta, int d, int sign) {
        RopeTable t = last;
        if (t != null && Float.compare(t.key.theta, theta) == 0 && t.key.d == d && t.key.sign == sign) return t;
        t = TABLES.computeIfAbsent(new Key(theta, d, sign), RopeTable::new);
        last = t;
        return t;
    }

    /** {@code cos, sin} of pair i at {@code [2i], [2i + 1]} for one position; callers only read it. */
    public float[] row(int position) {
        if (position >= CACHED) return compute(position);
        float[][] r = rows;
        return position < r.length ? r[position] : grow(position);
    }

    private synchronized float[] grow(int position) {
        float[][] r = rows;
        if (position >= r.length) {
            int old = r.length;
            r = Arrays.copyOf(r, Math.min(CACHED, Math.max(2 * old, Math.max(64, position + 1))));
            for (int p = old; p < r.length; p++) r[p] = compute(p);
            rows = r;
        }
        return r[position];
    }

    private float[] compute(int position) {
        float[] cs = new float[2 * freq.length];
        for (int i = 0; i < freq.length; i++) {
            double angle = position * freq[i];
            cs[2 * i] = (float) Math.cos(angle);
            cs[2 * i + 1] = (float) Math.sin(angle);
        }
        return cs;
    }
}
