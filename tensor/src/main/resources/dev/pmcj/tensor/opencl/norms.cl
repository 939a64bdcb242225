// Last-axis kernels: one work-group of GROUP items per row of n numbers. Kernels with barriers
// never return early: every item of a group reaches every barrier.

__kernel void softmax(__global const float* x, int xOff, __global float* out, int outOff, int n) {
    __local float scratch[GROUP];
    int lid = get_local_id(0);
    x += xOff + get_group_id(0) * n;
    out += outOff + get_group_id(0) * n;
    float mx = -INFINITY;
    for (int i = lid; i < n; i += GROUP) mx = fmax(mx, x[i]);
    mx = group_max(mx, scratch);
    float s = 0.0f;
    for (int i = lid; i < n; i += GROUP) s += exp(x[i] - mx);
    s = group_sum(s, scratch);
    for (int i = lid; i < n; i += GROUP) out[i] = exp(x[i] - mx) / s;
}

__kernel void softmax_backward(__global const float* y, int yOff, __global const float* dy, int dyOff,
                               __global float* dx, int dxOff, int n) {
    __local float scratch[GROUP];
    int lid = get_local_id(0), base = get_group_id(0) * n;
    y += yOff + base;
    dy += dyOff + base;
    dx += dxOff + base;
    float dot = 0.0f;
    for (int i = lid; i < n; i += GROUP) dot = fma(dy[i], y[i], dot);
    dot = group_sum(dot, scratch);
    for (int i = lid; i < n; i += GROUP) dx[i] += y[i] * (dy[i] - dot);
}

// log(sum exp(x[0..n))), shifted by the maximum.
float row_log_sum_exp(__global const float* x, int n, __local float* scratch) {
    // One pass: each item's running maximum and sum of exp(x - maximum), rescaled as the maximum grows.
    float mx = -INFINITY, s = 0.0f;
    for (int i = get_local_id(0); i < n; i += get_local_size(0)) {
        float xi = x[i];
        if (xi > mx) {
            s = s * exp(mx - xi) + 1.0f;
            mx = xi;
        } else if (mx != -INFINITY) { // -inf after -inf adds nothing (and exp(-inf - -inf) is NaN)
            s += exp(xi - mx);
        }
    }
    // No early return: every item must reach every barrier (PoCL deadlocks otherwise).
    float top = group_max(mx, scratch);
    s = group_sum(mx == -INFINITY ? 0.0f : s * exp(mx - top), scratch);
    return top == -INFINITY ? top : top + log(s);
}

__kernel void log_softmax(__global const float* x, int xOff, __global float* out, int outOff, int n) {
    __local float scratch[GROUP];
    x += xOff + get_group_id(0) * n;
    out += outOff + get_group_id(0) * n;
    float logZ = row_log_sum_exp(x, n, scratch);
    for (int i = get_local_id(0); i < n; i += GROUP) out[i] = x[i] - logZ;
}

__kernel void log_softmax_backward(__global const float* y, int yOff, __global const float* dy, int dyOff,
                                   __global float* dx, int dxOff, int n) {
    __local float scratch[GROUP];
    int lid = get_local_id(0), base = get_group_id(0) * n;
    y += yOff + base;
    dy += dyOff + base;
    dx += dxOff + base;
    float s = 0.0f;
    for (int i = lid; i < n; i += GROUP) s += dy[i];
    s = group_sum(s, scratch);
    for (int i = lid; i < n; i += GROUP) dx[i] += dy[i] - exp(y[i]) * s;
}

__kernel void layer_norm(__global const float* x, int xOff, __global const float* gamma, int gOff,
                         __global const float* beta, int bOff, int hasBeta, float eps,
                         __global float* out, int outOff, __global float* mean, int mOff,
                         __global float* rstd, int rOff, int n) {
    __local float scratch[GROUP];
    int lid = get_local_id(0), row = get_group_id(0);
    x += xOff + row * n;
    out += outOff + row * n;
    float s = 0.0f;
    for (int i = lid; i < n; i += GROUP) s += x[i];
    float mu = group_sum(s, scratch) / n;
    float v = 0.0f;
    for (int i = lid; i < n; i += GROUP) { float d = x[i] - mu; v = fma(d, d, v); }
    float rs = 1.0f / sqrt(group_sum(v, scratch) / n + eps);
    for (int i = lid; i < n; i += GROUP) {
        out[i] = (x[i] - mu) * rs * gamma[gOff + i] + (hasBeta ? beta[bOff + i] : 0.0f);
    }
    if (lid == 0) {
        mean[mOff + row] = mu;
        rstd[rOff + row] = rs;
    }
}

// dx += rstd (g - mean(g) - xhat mean(g xhat)) with g = dy gamma, xhat = (x - mean) rstd.
__kernel void layer_norm_backward_dx(__global const float* dy, int dyOff, __global const float* x, int xOff,
                                     __global const float* gamma, int gOff, __global const float* mean, int mOff,
                                     __global const float* rstd, int rOff, __global float* dx, int dxOff, int n) {
    __local float scratch[GROUP];
    int lid = get_local_id(0), row = get_group_id(0);
    dy += dyOff + row * n;
    x += xOff + row * n;
    dx += dxOff + row * n;
    float mu = mean[mOff + row], rs = rstd[rOff + row], sg = 0.0f, sgx = 0.0f;
    for (int i = lid; i < n; i += GROUP) {
        float g = dy[i] * gamma[gOff + i];
        sg += g;
        sgx = fma(g, (x[i] - mu) * rs, sgx);
    }
    float meanG = group_sum(sg, scratch) / n, meanGx = group_sum(sgx, scratch) / n;
    for (int i = lid; i < n; i += GROUP) {
        float xhat = (x[i] - mu) * rs, g = dy[i] * gamma[gOff + i];
        dx[i] += rs * (g - meanG - xhat * meanGx);
    }
}

// Per channel i: dgamma += sum_rows dy xhat; dbeta += sum_rows dy (fixed row order: deterministic).
// For CPUs; GPUs take column_sums_partial (below), as for rms_norm_backward_params.
__kernel void layer_norm_backward_params(__global const float* dy, int dyOff, __global const float* x, int xOff,
                                         __global const float* mean, int mOff, __global const float* rstd, int rOff,
                                         __global float* dgamma, int dgOff, __global float* dbeta, int dbOff,
                                         int hasBeta, int rows, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    float dg = 0.0f, db = 0.0f;
    for (int r = 0; r < rows; r++) {
        float d = dy[dyOff + r * n + i];
        dg = fma(d, (x[xOff + r * n + i] - mean[mOff + r]) * rstd[rOff + r], dg);
        db += d;
    }
    dgamma[dgOff + i] += dg;
    if (hasBeta) dbeta[dbOff + i] += db;
}

__kernel void rms_norm(__global const float* x, int xOff, __global const float* gamma, int gOff, float eps,
                       __global float* out, int outOff, __global float* rstd, int rOff, int n) {
    __local float scratch[GROUP];
    int lid = get_local_id(0), row = get_group_id(0);
    x += xOff + row * n;
    out += outOff + row * n;
    float ms = 0.0f;
    for (int i = lid; i < n; i += GROUP) ms = fma(x[i], x[i], ms);
    float rs = 1.0f / sqrt(group_sum(ms, scratch) / n + eps);
    for (int i = lid; i < n; i += GROUP) out[i] = x[i] * rs * gamma[gOff + i];
    if (lid == 0) rstd[rOff + row] = rs;
}

// dx_j += rstd gamma_j dy_j - x_j rstd^3 / n * sum_i dy_i gamma_i x_i.
__kernel void rms_norm_backward_dx(__global const float* dy, int dyOff, __global const float* x, int xOff,
                                   __global const float* gamma, int gOff, __global const float* rstd, int rOff,
                                   __global float* dx, int dxOff, int n) {
    __local float scratch[GROUP];
    int lid = get_local_id(0), row = get_group_id(0);
    dy += dyOff + row * n;
    x += xOff + row * n;
    dx += dxOff + row * n;
    float rs = rstd[rOff + row], dot = 0.0f;
    for (int i = lid; i < n; i += GROUP) dot = fma(dy[i] * gamma[gOff + i], x[i], dot);
    dot = group_sum(dot, scratch);
    for (int i = lid; i < n; i += GROUP) dx[i] += rs * gamma[gOff + i] * dy[i] - x[i] * rs * rs * rs * dot / n;
}

__kernel void rms_norm_backward_params(__global const float* dy, int dyOff, __global const float* x, int xOff,
                                       __global const float* rstd, int rOff, __global float* dgamma, int dgOff,
                                       int rows, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    float dg = 0.0f;
    for (int r = 0; r < rows; r++) dg = fma(dy[dyOff + r * n + i] * x[xOff + r * n + i], rstd[rOff + r], dg);
    dgamma[dgOff + i] += dg;
}

// Sums over the rows of [rows, n] tensors per column, for GPUs: a bias's gradient (SUMS_DY: dy),
// layer norm's parameters' (SUMS_LAYER_NORM: dy xhat and dy) and RMS norm's (SUMS_RMS_NORM: dy x rstd).
// A work-group of 64 columns x 4 row lanes per 64 columns and chunk of rows writes the chunk's sums to
// g[chunk * n + col] and b[chunk * n + col]; matmul_sum_splits adds the chunks in order. One item
// per column walking every row alone (the *_params kernels and sum_to, kept for CPUs) left a GPU
// waiting on one load after another: about 0.3 ms for a bias of 768 over 1,024 rows.
#define SUMS_DY 0
#define SUMS_LAYER_NORM 1
#define SUMS_RMS_NORM 2
__kernel __attribute__((reqd_work_group_size(64, 4, 1)))
void column_sums_partial(int mode, __global const float* dy, int dyOff, __global const float* x, int xOff,
                         __global const float* mean, int mOff, __global const float* rstd, int rOff,
                         int rows, int n, int chunkRows, __global float* g, __global float* b) {
    __local float lg[4][64], lb[4][64];
    int col = get_global_id(0), tx = get_local_id(0), lane = get_local_id(1), chunk = get_group_id(1);
    float sg = 0.0f, sb = 0.0f;
    if (col < n) {
        int end = min(rows, (chunk + 1) * chunkRows);
        for (int r = chunk * chunkRows + lane; r < end; r += 4) {
            long i = (long) r * n + col;
            float d = dy[dyOff + i];
            if (mode == SUMS_LAYER_NORM) sg = fma(d, (x[xOff + i] - mean[mOff + r]) * rstd[rOff + r], sg);
            else if (mode == SUMS_RMS_NORM) sg = fma(d * x[xOff + i], rstd[rOff + r], sg);
            sb += d;
        }
    }
    lg[lane][tx] = sg;
    lb[lane][tx] = sb;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lane == 0 && col < n) {
        long o = (long) chunk * n + col;
        if (mode != SUMS_DY) g[o] = lg[0][tx] + lg[1][tx] + lg[2][tx] + lg[3][tx];
        if (mode != SUMS_RMS_NORM) b[o] = lb[0][tx] + lb[1][tx] + lb[2][tx] + lb[3][tx];
    }
}
