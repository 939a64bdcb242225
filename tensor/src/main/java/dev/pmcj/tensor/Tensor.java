package dev.pmcj.tensor;

import java.util.Arrays;

/**
 * A float32 tensor: shape, strides and offset over a {@link Storage} owned by one {@link Backend}.
 * View operations (reshape of contiguous data, transpose, permute, slice, broadcast) share storage;
 * {@link #contiguous()} copies only when the layout requires it.
 */
public final class Tensor {
    private final Backend backend;
    private final Storage storage;
    private final Shape shape;
    private final int[] strides;
    private final int offset;
    /** Computed once: every kernel asks, several times per call. */
    private final boolean contiguous;

    public Tensor(Backend backend, Storage storage, Shape shape, int[] strides, int offset) {
        if (strides.length != shape.rank()) {
            throw new IllegalArgumentException("strides " + Arrays.toString(strides) + " do not match shape " + shape);
        }
        this.backend = backend;
        this.storage = storage;
        this.shape = shape;
        this.strides = strides.clone();
        this.offset = offset;
        this.contiguous = denseRowMajor(shape, this.strides);
    }

    /** A contiguous tensor over the whole of {@code storage}. */
    public Tensor(Backend backend, Storage storage, Shape shape) {
        this(backend, storage, shape, shape.contiguousStrides(), 0);
    }

    public Backend backend() {
        return backend;
    }

    public Storage storage() {
        return storage;
    }

    public Shape shape() {
        return shape;
    }

    public int[] strides() {
        return strides.clone();
    }

    public int stride(int axis) {
        return strides[shape.axis(axis)];
    }

    public int offset() {
        return offset;
    }

    public int rank() {
        return shape.rank();
    }

    public int dim(int axis) {
        return shape.dim(axis);
    }

    public int size() {
        return shape.size();
    }

    public boolean isContiguous() {
        return contiguous;
    }

    private static boolean denseRowMajor(Shape shape, int[] strides) {
        int expected = 1;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            if (shape.at(i) != 1 && strides[i] != expected) return false;
            expected *= shape.at(i);
        }
        return true;
    }

    /** Same numbers, new shape; a view when contiguous, otherwise a contiguous copy first. */
    public Tensor reshape(int... dims) {
        Shape target = Shape.of(resolve(dims));
        if (target.numel() != shape.numel()) {
            throw new IllegalArgumentException("reshape: cannot view " + shape + " as " + target);
        }
        Tensor src = contiguous();
        return new Tensor(backend, src.storage, target, target.contiguousStrides(), src.offset);
    }

    private int[] resolve(int[] dims) {
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (inferred >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(dims));
                inferred = i;
            } else {
                known *= dims[i];
            }
        }
        if (inferred < 0) return dims;
        int[] out = dims.clone();
        out[inferred] = known == 0 ? 0 : Math.toIntExact(shape.numel() / known);
        return out;
    }

    public Tensor transpose(int a, int b) {
        int[] perm = new int[rank()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        int x = shape.axis(a), y = shape.axis(b);
        perm[x] = y;
        perm[y] = x;
        return permute(perm);
    }

    public Tensor permute(int... perm) {
        if (perm.length != rank()) throw new IllegalArgumentException("permute " + Arrays.toString(perm) + " for shape " + shape);
        int[] d = new int[perm.length], s = new int[perm.length];
        boolean[] seen = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
            int p = shape.axis(perm[i]);
            if (seen[p]) throw new IllegalArgumentException("permute " + Arrays.toString(perm) + " repeats an axis");
            seen[p] = true;
            d[i] = shape.at(p);
            s[i] = strides[p];
        }
        return new Tensor(backend, storage, new Shape(d), s, offset);
    }

    /**
     * Axis {@code axis} split into axes of the given sizes, always a view: q, k and v sliced from
     * a fused projection's {@code [B, T, 3C]} become {@code [B, T, H, D]} with rows 3C apart.
     */
    public Tensor unflatten(int axis, int... sizes) {
        int a = shape.axis(axis);
        long product = 1;
        for (int n : sizes) product *= n;
        if (product != shape.at(a)) {
            throw new IllegalArgumentException("unflatten: axis " + axis + " of " + shape + " cannot split into "
                    + Arrays.toString(sizes));
        }
        int r = rank() + sizes.length - 1;
        int[] d = new int[r], s = new int[r];
        for (int i = 0; i < a; i++) {
            d[i] = shape.at(i);
            s[i] = strides[i];
        }
        int stride = strides[a];
        for (int i = sizes.length - 1; i >= 0; i--) {
            d[a + i] = sizes[i];
            s[a + i] = stride;
            stride *= sizes[i];
        }
        for (int i = a + 1; i < rank(); i++) {
            d[i + sizes.length - 1] = shape.at(i);
            s[i + sizes.length - 1] = strides[i];
        }
        return new Tensor(backend, storage, new Shape(d), s, offset);
    }

    /** Elements {@code [start, end)} along {@code axis}. */
    public Tensor slice(int axis, int start, int end) {
        int a = shape.axis(axis);
        if (start < 0 || end > shape.at(a) || start > end) {
            throw new IllegalArgumentException("slice [" + start + ", " + end + ") out of range for axis " + axis + " of " + shape);
        }
        return new Tensor(backend, storage, shape.with(a, end - start), strides, offset + start * strides[a]);
    }

    /** A read-only view repeating this tensor along axes of extent 1 (stride 0), numpy rules. */
    public Tensor broadcastTo(Shape target) {
        int r = target.rank();
        if (r < rank()) throw new IllegalArgumentException("broadcast: cannot broadcast " + shape + " to " + target);
        int[] s = new int[r];
        for (int i = 0; i < r; i++) {
            int j = i - (r - rank());
            if (j < 0) continue;
            int from = shape.at(j), to = target.at(i);
            if (from == to) s[i] = strides[j];
            else if (from == 1) s[i] = 0;
            else throw new IllegalArgumentException("broadcast: cannot broadcast " + shape + " to " + target);
        }
        return new Tensor(backend, storage, target, s, offset);
    }

    /** This tensor if already contiguous, else a contiguous copy made by the backend. */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        Tensor out = backend.allocate(shape);
        backend.copy(this, out);
        return out;
    }

    /** Explicit transfer of the numbers to the host, in row-major order. */
    public float[] toHost() {
        return backend.toHost(this);
    }

    /** Convenience for a one-element tensor (a loss, a norm): a host transfer. */
    public float item() {
        if (shape.numel() != 1) throw new IllegalArgumentException("item() needs one element, shape is " + shape);
        return toHost()[0];
    }

    @Override
    public String toString() {
        return "Tensor" + shape + "@" + backend.name();
    }
}
