package dev.pmcj.tensor;

import java.util.Arrays;

/** The extents of a row-major tensor. Immutable; dims are defensively copied. */
public record Shape(int... dims) {

    public Shape {
        dims = dims.clone();
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative extent in shape " + Arrays.toString(dims));
        }
    }

    public static Shape of(int... dims) {
        return new Shape(dims);
    }

    public int rank() {
        return dims.length;
    }

    /** Extent of axis {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        return dims[axis(i)];
    }

    /** Normalises a possibly negative axis index, naming the shape when it is out of range. */
    public int axis(int i) {
        int a = i < 0 ? dims.length + i : i;
        if (a < 0 || a >= dims.length) throw new IllegalArgumentException("axis " + i + " out of range for shape " + this);
        return a;
    }

    /** Extent of axis {@code i} without normalisation or copying (hot paths). */
    public int at(int i) {
        return dims[i];
    }

    public long numel() {
        long n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    /** Element count as an int: host storage is a Java array, so a tensor holds at most 2^31-1 floats. */
    public int size() {
        return Math.toIntExact(numel());
    }

    /** Product of the extents before the last axis (the "rows" of a last-axis kernel). */
    public int rows() {
        return dims.length == 0 ? 1 : Math.toIntExact(numel() / Math.max(1, dims[dims.length - 1]));
    }

    public int last() {
        return dims.length == 0 ? 1 : dims[dims.length - 1];
    }

    public int[] contiguousStrides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    public Shape with(int axis, int extent) {
        int[] d = dims.clone();
        d[axis(axis)] = extent;
        return new Shape(d);
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
