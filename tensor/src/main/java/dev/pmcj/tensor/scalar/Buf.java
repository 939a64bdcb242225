package dev.pmcj.tensor.scalar;

import dev.pmcj.tensor.Checks;
import dev.pmcj.tensor.Tensor;

/**
 * A tensor's numbers as seen by the reference kernels: element {@code i} is {@code data[offset + i]},
 * which is its i-th in row-major order when the tensor is contiguous (callers have checked that, or
 * index a view's layout themselves, as attention's {@link Attention.Heads} do).
 */
public record Buf(float[] data, int offset) {

    /** The host numbers behind a contiguous tensor; null stays null (optional arguments). */
    public static Buf of(String op, String name, Tensor t) {
        return t == null ? null : new Buf(Checks.host(op, name, t), t.offset());
    }

    public float get(int i) {
        return data[offset + i];
    }

    public void set(int i, double value) {
        data[offset + i] = (float) value;
    }

    /** {@code this[i] += value}, the accumulate step of every backward kernel. */
    public void add(int i, double value) {
        data[offset + i] = (float) (data[offset + i] + value);
    }
}
