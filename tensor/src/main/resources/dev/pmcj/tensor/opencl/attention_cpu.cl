// Causal attention for CPU devices (PoCL): one work item per query row (forward, dq) or key row
// (dk, dv), no local memory or barriers (see matmul_cpu.cl). Same layouts and formulas as the
// work-group kernels of transformer.cl; each query sees at least key 0 (qPos >= 0). Rows are
// walked in float8 vectors (hsum8 is in matmul_cpu.cl).

float dot_cpu(__global const float* x, __global const float* y, int d) {
    float8 s = 0;
    int e = 0;
    for (; e + 8 <= d; e += 8) s = fma(vload8(0, x + e), vload8(0, y + e), s);
    float r = hsum8(s);
    for (; e < d; e++) r = fma(x[e], y[e], r);
    return r;
}

// y += p x over d numbers.
void axpy_cpu(float p, __global const float* x, __global float* y, int d) {
    int e = 0;
    for (; e + 8 <= d; e += 8) vstore8(fma((float8) p, vload8(0, x + e), vload8(0, y + e)), 0, y + e);
    for (; e < d; e++) y[e] = fma(p, x[e], y[e]);
}

__kernel void attention_forward_cpu(__global const float* q, int qOff, int qB, int qT,
                                    __global const float* k, int kOff, int kB, int kT,
                                    __global const float* v, int vOff, int vB, int vT, __global const int* qPos,
                                    __global float* out, int outOff, __global float* lse, int lseOff,
                                    int T, int H, int D, int S, int KV, int rows) {
    int g = get_global_id(0);
    if (g >= rows) return;
    int h = g % H, bt = g / H, t = bt % T, b = bt / T;
    int pos = qPos[bt];
    float scale = 1.0f / sqrt((float) D);
    __global const float* qr = q + qOff + b * qB + t * qT + h * D;
    __global const float* kb = k + kOff + b * kB + h / (H / KV) * D;
    __global const float* vb = v + vOff + b * vB + h / (H / KV) * D;
    __global float* o = out + outOff + g * D;
    float mx = -INFINITY, l = 0.0f;
    for (int j = 0; j <= pos; j++) {
        float s = dot_cpu(qr, kb + j * kT, D) * scale;
        if (s > mx) { l = l * exp(mx - s) + 1.0f; mx = s; } else { l += exp(s - mx); }
    }
    float logZ = mx + log(l);
    for (int e = 0; e < D; e++) o[e] = 0.0f;
    for (int j = 0; j <= pos; j++) {
        float p = exp(dot_cpu(qr, kb + j * kT, D) * scale - logZ);
        axpy_cpu(p, vb + j * vT, o, D);
    }
    lse[lseOff + (b * H + h) * T + t] = logZ;
}

__kernel void attention_backward_dq_cpu(__global const float* q, int qOff, int qB, int qT,
                                        __global const float* k, int kOff, int kB, int kT,
                                        __global const float* v, int vOff, int vB, int vT, __global const int* qPos,
                                        __global const float* out, int outOff, __global const float* lse, int lseOff,
                                        __global const float* dout, int doOff, __global float* dq, int dqOff, int dqB, int dqT,
                                        __global float* delta, int T, int H, int D, int S, int KV, int rows) {
    int g = get_global_id(0);
    if (g >= rows) return;
    int h = g % H, bt = g / H, t = bt % T, b = bt / T;
    int pos = qPos[bt];
    float scale = 1.0f / sqrt((float) D);
    __global const float* qr = q + qOff + b * qB + t * qT + h * D;
    __global const float* dor = dout + doOff + g * D;
    __global const float* kb = k + kOff + b * kB + h / (H / KV) * D;
    __global const float* vb = v + vOff + b * vB + h / (H / KV) * D;
    __global float* dqr = dq + dqOff + b * dqB + t * dqT + h * D;
    float rowDot = dot_cpu(dor, out + outOff + g * D, D), logZ = lse[lseOff + (b * H + h) * T + t];
    for (int j = 0; j <= pos; j++) {
        __global const float* kr = kb + j * kT;
        float p = exp(dot_cpu(qr, kr, D) * scale - logZ);
        float ds = p * (dot_cpu(dor, vb + j * vT, D) - rowDot) * scale;
        axpy_cpu(ds, kr, dqr, D);
    }
    delta[g] = rowDot;
}

__kernel void attention_backward_dkv_cpu(__global const float* q, int qOff, int qB, int qT,
                                         __global const float* k, int kOff, int kB, int kT,
                                         __global const float* v, int vOff, int vB, int vT, __global const int* qPos,
                                         __global const float* lse, int lseOff, __global const float* dout, int doOff,
                                         __global const float* delta, __global float* dk, int dkOff, int dkB, int dkT,
                                         __global float* dv, int dvOff, int dvB, int dvT, int T, int H, int D, int S, int KV,
                                         int rows) {
    int g = get_global_id(0);
    if (g >= rows) return;
    int kvh = g % KV, bj = g / KV, j = bj % S, b = bj / S, group = H / KV;
    float scale = 1.0f / sqrt((float) D);
    __global const float* kr = k + kOff + b * kB + j * kT + kvh * D;
    __global const float* vr = v + vOff + b * vB + j * vT + kvh * D;
    __global float* dkr = dk + dkOff + b * dkB + j * dkT + kvh * D;
    __global float* dvr = dv + dvOff + b * dvB + j * dvT + kvh * D;
    for (int t = 0; t < T; t++) {
        if (qPos[b * T + t] < j) continue;
        for (int h = kvh * group; h < (kvh + 1) * group; h++) {
            int row = (b * T + t) * H + h;
            __global const float* qr = q + qOff + b * qB + t * qT + h * D;
            __global const float* dor = dout + doOff + row * D;
            float p = exp(dot_cpu(qr, kr, D) * scale - lse[lseOff + (b * H + h) * T + t]);
            float ds = p * (dot_cpu(dor, vr, D) - delta[row]) * scale;
            axpy_cpu(p, dor, dvr, D);
            axpy_cpu(ds, qr, dkr, D);
        }
    }
}
