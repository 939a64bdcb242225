package dev.pmcj.tensor.vector;

import dev.pmcj.tensor.Tensor;

/**
 * A tensor of any strides seen as rows along its last axis: where row {@code r} starts in storage and
 * the step between its elements. Kernels walk strided views row by row with no index arrays.
 */
final class Rows {
    private final int[] dims, strides;
    private final int offset;
    final int rows, length, step;

    Rows(Tensor t) {
        dims = t.shape().dims();
        strides = t.strides();
        offset = t.offset();
        int rank = dims.length;
        length = rank == 0 ? 1 : dims[rank - 1];
        step = rank == 0 ? 1 : strides[rank - 1];
        rows = length == 0 ? 0 : t.size() / length;
    }

    /** Storage position of the first element of row {@code r} (row-major order of the leading axes). */
    int start(int r) {
        int pos = offset;
        for (int a = dims.length - 2; a >= 0; a--) {
            pos += (r % dims[a]) * strides[a];
            r /= dims[a];
        }
        return pos;
    }

    /** Copies this view into the dense {@code dst} from {@code dstOffset}, rows split across cores when large. */
    void gather(float[] src, float[] dst, int dstOffset, int grain) {
        Parallel.forRange(rows, Math.max(1, grain / Math.max(1, length)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int s = start(r), d = dstOffset + r * length;
                if (step == 1) {
                    System.arraycopy(src, s, dst, d, length);
                } else {
                    for (int i = 0; i < length; i++) dst[d + i] = src[s + i * step];
                }
            }
        });
    }
}
