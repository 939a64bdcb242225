#define GELU_C 0.7978845608028654f
#define GELU_K 0.044715f
#define INV_SQRT2 0.7071067811865476f
#define INV_SQRT_2PI 0.3989422804014327f

float sigmoid_f(float x) {
    if (x >= 0) return 1.0f / (1.0f + exp(-x));
    float e = exp(x);
    return e / (1.0f + e);
}

float normal_cdf(float x) {
    return 0.5f * erfc(-x * INV_SQRT2);
}

float unary_f(int op, float x) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_TANH: return tanh(x);
        case U_SIGMOID: return sigmoid_f(x);
        case U_RELU: return x > 0 ? x : 0.0f;
        case U_SILU: return x * sigmoid_f(x);
        case U_SQUARE: return x * x;
        case U_SQRT: return sqrt(x);
        case U_RECIPROCAL: return 1.0f / x;
        case U_ABS: return fabs(x);
        case U_SOFTPLUS: return fmax(x, 0.0f) + log1p(exp(-fabs(x)));
        case U_GELU_TANH: return 0.5f * x * (1.0f + tanh(GELU_C * (x + GELU_K * x * x * x)));
        case U_GELU: return x * normal_cdf(x);
        default: return NAN;
    }
}

// f'(x); subgradients relu'(0) = abs'(0) = 0, as the reference.
float unary_d(int op, float x) {
    switch (op) {
        case U_NEG: return -1.0f;
        case U_EXP: return exp(x);
        case U_LOG: return 1.0f / x;
        case U_TANH: { float t = tanh(x); return 1.0f - t * t; }
        case U_SIGMOID: { float s = sigmoid_f(x); return s * (1.0f - s); }
        case U_RELU: return x > 0 ? 1.0f : 0.0f;
        case U_SILU: { float s = sigmoid_f(x); return s * (1.0f + x * (1.0f - s)); }
        case U_SQUARE: return 2.0f * x;
        case U_SQRT: return 0.5f / sqrt(x);
        case U_RECIPROCAL: return -1.0f / (x * x);
        case U_ABS: return x > 0 ? 1.0f : (x < 0 ? -1.0f : 0.0f);
        case U_SOFTPLUS: return sigmoid_f(x);
        case U_GELU_TANH: {
            float t = tanh(GELU_C * (x + GELU_K * x * x * x));
            return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * GELU_C * (1.0f + 3.0f * GELU_K * x * x);
        }
        case U_GELU: return normal_cdf(x) + x * INV_SQRT_2PI * exp(-0.5f * x * x);
        default: return NAN;
    }
}

float binary_f(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_MAX: return fmax(a, b);
        case B_MIN: return fmin(a, b);
        case B_EQ: return a == b ? 1.0f : 0.0f;
        case B_SILU_MUL: return unary_f(U_SILU, a) * b;
        default: return NAN;
    }
}

__kernel void unary(int op, __global const float* x, int xOff, __global float* out, int outOff, int n) {
    int i = get_global_id(0);
    if (i < n) out[outOff + i] = unary_f(op, x[xOff + i]);
}

__kernel void unary_backward(int op, __global const float* x, int xOff, __global const float* dy, int dyOff,
                             __global float* dx, int dxOff, int accumulate, int n) {
    int i = get_global_id(0);
    if (i < n) {
        float delta = dy[dyOff + i] * unary_d(op, x[xOff + i]);
        dx[dxOff + i] = accumulate ? dx[dxOff + i] + delta : delta;
    }
}

// out (contiguous, shape dims) = a op b, each read through its broadcast strides.
__kernel void binary(int op, __global const float* a, int aOff, int8 aStrides,
                     __global const float* b, int bOff, int8 bStrides,
                     __global float* out, int outOff, int8 dims, int rank, int n) {
    int i = get_global_id(0);
    if (i < n) {
        float av = a[aOff + strided_offset(i, dims, aStrides, rank)];
        float bv = b[bOff + strided_offset(i, dims, bStrides, rank)];
        out[outOff + i] = binary_f(op, av, bv);
    }
}

__kernel void affine(__global const float* x, int xOff, float alpha, float beta,
                     __global float* out, int outOff, int n) {
    int i = get_global_id(0);
    if (i < n) out[outOff + i] = fma(alpha, x[xOff + i], beta);
}

// out (+)= x summed over the axes flagged in `reduced`; out is x's shape (rank <= 8) with those axes at 1.
// One work item per out element, in a fixed order, so the result is deterministic.
__kernel void sum_to(__global const float* x, int xOff, int8 xDims, int8 reduced, int rank,
                     __global float* out, int outOff, int outN, int accumulate) {
    int o = get_global_id(0);
    if (o >= outN) return;
    int d[8], r[8], st[8];
    vstore8(xDims, 0, d);
    vstore8(reduced, 0, r);
    int acc = 1;
    for (int a = rank - 1; a >= 0; a--) { st[a] = acc; acc *= d[a]; }
    int base = 0, rest = o, count = 1;
    for (int a = rank - 1; a >= 0; a--) {
        if (r[a]) { count *= d[a]; continue; }
        base += (rest % d[a]) * st[a];
        rest /= d[a];
    }
    float sum = 0.0f;
    for (int k = 0; k < count; k++) {
        int pos = base, kr = k;
        for (int a = rank - 1; a >= 0; a--) {
            if (!r[a]) continue;
            pos += (kr % d[a]) * st[a];
            kr /= d[a];
        }
        sum += x[xOff + pos];
    }
    out[outOff + o] = accumulate ? out[outOff + o] + sum : sum;
}

// x viewed as [outer, n, inner] reduced over the middle axis into [outer, inner].
__kernel void reduce_axis(int op, __global const float* x, int xOff, __global float* out, int outOff,
                          int outer, int n, int inner) {
    int i = get_global_id(0);
    if (i >= outer * inner) return;
    int o = i / inner, in = i % inner;
    float acc = op == R_MAX ? -INFINITY : 0.0f;
    for (int j = 0; j < n; j++) {
        float v = x[xOff + (o * n + j) * inner + in];
        acc = op == R_MAX ? fmax(acc, v) : acc + v;
    }
    out[outOff + i] = op == R_MEAN ? acc / n : acc;
}

// Stage 1 of sum(x^2): one partial sum per work-group; stage 2 sums the partials in one group.
__kernel void sum_squares_partial(__global const float* x, int xOff, int n, __global float* partial) {
    __local float scratch[GROUP];
    float s = 0.0f;
    for (int i = get_global_id(0); i < n; i += get_global_size(0)) {
        float v = x[xOff + i];
        s = fma(v, v, s);
    }
    s = group_sum(s, scratch);
    if (get_local_id(0) == 0) partial[get_group_id(0)] = s;
}

__kernel void sum_partials(__global const float* partial, int count, __global float* out, int outOff) {
    __local float scratch[GROUP];
    float s = 0.0f;
    for (int i = get_local_id(0); i < count; i += GROUP) s += partial[i];
    s = group_sum(s, scratch);
    if (get_local_id(0) == 0) out[outOff] = s;
}
