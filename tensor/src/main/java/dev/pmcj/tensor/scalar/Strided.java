package dev.pmcj.tensor.scalar;

import dev.pmcj.tensor.Tensor;

/** Storage positions of a tensor's elements in row-major order, for any strides (including 0). */
public final class Strided {
    private Strided() {
    }

    public static int[] offsets(Tensor t) {
        int n = t.size(), rank = t.rank();
        int[] dims = t.shape().dims(), strides = t.strides(), out = new int[n];
        for (int i = 0; i < n; i++) {
            int rest = i, pos = t.offset();
            for (int a = rank - 1; a >= 0; a--) {
                pos += (rest % dims[a]) * strides[a];
                rest /= dims[a];
            }
            out[i] = pos;
        }
        return out;
    }
}
