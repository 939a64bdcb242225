package dev.pmcj.autograd.ops;

import dev.pmcj.autograd.Tape;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.Tensor;

/**
 * {@code dst[.., start_i : start_i + n_i, ..] += src_i} along one axis (slice backward, concat forward).
 * Kernels only write contiguous outputs, and a slice along an inner axis is strided; so such slices
 * are staged in a buffer laid out with that axis first, where every slice is a contiguous block, and
 * the buffer is then added to {@code dst} through a permuted (strided) view, which kernels may read.
 */
final class SliceAdd {
    private SliceAdd() {
    }

    static void into(Tape t, Tensor dst, int axis, int[] starts, Tensor[] srcs) {
        Backend be = t.backend();
        boolean direct = true;
        for (int i = 0; i < srcs.length; i++) {
            direct &= dst.slice(axis, starts[i], starts[i] + srcs[i].dim(axis)).isContiguous();
        }
        if (direct) {
            for (int i = 0; i < srcs.length; i++) {
                Tensor region = dst.slice(axis, starts[i], starts[i] + srcs[i].dim(axis));
                be.binary(BinaryOp.ADD, region, srcs[i], region);
            }
            return;
        }
        int rank = dst.rank();
        int[] axisFirst = new int[rank], back = new int[rank];
        axisFirst[0] = axis;
        for (int i = 0, j = 1; i < rank; i++) if (i != axis) axisFirst[j++] = i;
        for (int i = 0; i < rank; i++) back[axisFirst[i]] = i;
        Tensor staged = t.allocate(dst.permute(axisFirst).shape());
        for (int i = 0; i < srcs.length; i++) {
            be.copy(srcs[i].permute(axisFirst), staged.slice(0, starts[i], starts[i] + srcs[i].dim(axis)));
        }
        be.binary(BinaryOp.ADD, dst, staged.permute(back), dst);
    }
}
