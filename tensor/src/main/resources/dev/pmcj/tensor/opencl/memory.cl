__kernel void fill(__global float* dst, int dstOff, int n, float value) {
    int i = get_global_id(0);
    if (i < n) dst[dstOff + i] = value;
}

// dst (contiguous) := src viewed with any strides (0 for broadcast axes).
__kernel void copy_strided(__global const float* src, int srcOff, int8 srcStrides,
                           __global float* dst, int dstOff, int8 dims, int rank, int n) {
    int i = get_global_id(0);
    if (i < n) dst[dstOff + i] = src[srcOff + strided_offset(i, dims, srcStrides, rank)];
}

// dst[rows[n]] := src[n], rows of d floats (src's rows srcRow apart; rows distinct: one writer each).
__kernel void scatter_rows(__global const float* src, int srcOff, int srcRow, __global const int* rows,
                           __global float* dst, int dstOff, int d, int total) {
    int i = get_global_id(0);
    if (i < total) dst[dstOff + rows[i / d] * d + i % d] = src[srcOff + (i / d) * srcRow + i % d];
}

