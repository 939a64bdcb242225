// PyTorch's AdamW in place; bc1 = 1 - beta1^t and bc2 = 1 - beta2^t come from the host (double);
// zeroGrad: the gradient read is zeroed in the same pass.
__kernel void adamw(__global float* p, int pOff, __global float* g, int gOff, __global float* m, int mOff,
                    __global float* v, int vOff, float lr, float beta1, float beta2, float eps, float wd,
                    float bc1, float bc2, int zeroGrad, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    float gi = g[gOff + i];
    if (zeroGrad) g[gOff + i] = 0.0f;
    float w = p[pOff + i] * (1.0f - lr * wd);
    float mi = beta1 * m[mOff + i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[vOff + i] + (1.0f - beta2) * gi * gi;
    m[mOff + i] = mi;
    v[vOff + i] = vi;
    p[pOff + i] = w - lr * (mi / bc1) / (sqrt(vi / bc2) + eps);
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
