// PyTorch's AdamW in place; bc1 = 1 - beta1^t and bc2 = 1 - beta2^t come from the host (double);
// zeroGrad: the gradient read is zeroed in the same pass. Each item updates UPDATES elements a
// 1/UPDATES of the buffer apart, all loads issued before any store (the buffers may alias as far
// as the compiler knows), so more bytes are in flight per item and fewer work-groups are scheduled.
#define UPDATES 4
__kernel void adamw(__global float* p, int pOff, __global float* g, int gOff, __global float* m, int mOff,
                    __global float* v, int vOff, float lr, float beta1, float beta2, float eps, float wd,
                    float bc1, float bc2, int zeroGrad, int n) {
    int part = (n + UPDATES - 1) / UPDATES, i = get_global_id(0);
    if (i >= part) return;
    float gs[UPDATES], ps[UPDATES], ms[UPDATES], vs[UPDATES];
    for (int u = 0; u < UPDATES; u++) {
        int e = i + u * part;
        bool in = e < n;
        gs[u] = in ? g[gOff + e] : 0.0f;
        ps[u] = in ? p[pOff + e] : 0.0f;
        ms[u] = in ? m[mOff + e] : 0.0f;
        vs[u] = in ? v[vOff + e] : 0.0f;
    }
    for (int u = 0; u < UPDATES; u++) {
        int e = i + u * part;
        if (e >= n) break;
        float w = ps[u] * (1.0f - lr * wd);
        float mi = beta1 * ms[u] + (1.0f - beta1) * gs[u];
        float vi = beta2 * vs[u] + (1.0f - beta2) * gs[u] * gs[u];
        if (zeroGrad) g[gOff + e] = 0.0f;
        m[mOff + e] = mi;
        v[vOff + e] = vi;
        p[pOff + e] = w - lr * (mi / bc1) / (sqrt(vi / bc2) + eps);
    }
}

// v = mu v + g; p -= lr (v + wd p).
__kernel void sgd(__global float* p, int pOff, __global const float* g, int gOff, __global float* vel, int vOff,
                  float lr, float momentum, float wd, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    float vi = momentum * vel[vOff + i] + g[gOff + i];
    vel[vOff + i] = vi;
    p[pOff + i] = p[pOff + i] - lr * (vi + wd * p[pOff + i]);
}
