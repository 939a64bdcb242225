// Shared helpers. Built with -D options from the Java side: GROUP (row kernels' work-group size, a
// power of two), WIDE_GROUP (the same for rows as long as a vocabulary, on GPUs), and U_<op> /
// B_<op> / R_<op> for the ordinals of UnaryOp, BinaryOp and ReduceOp.
// Every buffer argument comes with an element offset (tensor views share storage).

// Sum of one value per work item over the whole work-group (a power of two of items, as many floats
// of scratch); every item gets the result.
float group_sum(float v, __local float* scratch) {
    int lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = get_local_size(0) / 2; s > 0; s >>= 1) {
        if (lid < s) scratch[lid] += scratch[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

float group_max(float v, __local float* scratch) {
    int lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = get_local_size(0) / 2; s > 0; s >>= 1) {
        if (lid < s) scratch[lid] = fmax(scratch[lid], scratch[lid + s]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

// Storage position (relative to the view's offset) of row-major element i of a view of rank <= 8.
int strided_offset(int i, int8 dims, int8 strides, int rank) {
    int d[8], s[8];
    vstore8(dims, 0, d);
    vstore8(strides, 0, s);
    int pos = 0;
    for (int a = rank - 1; a >= 0; a--) {
        pos += (i % d[a]) * s[a];
        i /= d[a];
    }
    return pos;
}
