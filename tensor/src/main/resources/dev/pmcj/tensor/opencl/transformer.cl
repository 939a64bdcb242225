// Rotary embedding, fused causal attention (grouped KV heads), embedding and cross-entropy.

// x, out [N, H, D] (x's rows xRow apart, each row's heads contiguous; out dense): pair (2i, 2i+1)
// of row n rotated by the angle whose cos and sin are cs[(n * D/2 + i) * 2 + {0, 1}] (computed on
// the host in double); sign -1 rotates backwards.
__kernel void rope(__global const float* x, int xOff, int xRow, __global const float* cs, float sign,
                   __global float* out, int outOff, int heads, int d, int accumulate, int pairs) {
    int p = get_global_id(0);
    if (p >= pairs) return;
    int hd = d / 2, i = p % hd, nh = p / hd, n = nh / heads;
    float c = cs[(n * hd + i) * 2], s = sign * cs[(n * hd + i) * 2 + 1];
    int at = nh * d + 2 * i, from = xOff + n * xRow + (nh - n * heads) * d + 2 * i;
    float x0 = x[from], x1 = x[from + 1];
    float y0 = x0 * c - x1 * s, y1 = x0 * s + x1 * c;
    if (accumulate) {
        out[outOff + at] += y0;
        out[outOff + at + 1] += y1;
    } else {
        out[outOff + at] = y0;
        out[outOff + at + 1] = y1;
    }
}

// Layouts: q, out, dout [B, T, H, D]; k, v [B, S, KV, D]; lse [B, H, T]; query head h reads KV head
// h / (H / KV). q, k, v and dq, dk, dv come with their batch and row strides (xB, xT: rows of one
// fused projection lie apart); each row's heads are contiguous, and out, lse and dout are dense.
// Query (b, t) at position qPos[b T + t] sees keys 0..qPos. One work-group per query row (b, t, h)
// for the forward and dq, one per key row (b, j, kv head) for dk and dv; keys (or queries) go
// through local memory GROUP at a time, and each item owns one column e of the result.

float dot_row(__global const float* x, __global const float* y, int d) {
    float s = 0.0f;
    for (int e = 0; e < d; e++) s = fma(x[e], y[e], s);
    return s;
}

__kernel void attention_forward(__global const float* q, int qOff, int qB, int qT,
                                __global const float* k, int kOff, int kB, int kT,
                                __global const float* v, int vOff, int vB, int vT, __global const int* qPos,
                                __global float* out, int outOff, __global float* lse, int lseOff,
                                int T, int H, int D, int S, int KV) {
    __local float scratch[GROUP];
    __local float p[GROUP];
    int lid = get_local_id(0), g = get_group_id(0);
    int h = g % H, bt = g / H, t = bt % T, b = bt / T;
    int pos = qPos[bt], kvh = h / (H / KV);
    float scale = 1.0f / sqrt((float) D);
    __global const float* qr = q + qOff + b * qB + t * qT + h * D;
    __global const float* kb = k + kOff + b * kB + kvh * D;
    __global const float* vb = v + vOff + b * vB + kvh * D;
    // Online max and sum per item, then combined across the group.
    float mx = -INFINITY, l = 0.0f;
    for (int j = lid; j <= pos; j += GROUP) {
        float s = dot_row(qr, kb + j * kT, D) * scale;
        if (s > mx) { l = l * exp(mx - s) + 1.0f; mx = s; } else { l += exp(s - mx); }
    }
    float gmx = group_max(mx, scratch);
    float logZ = gmx + log(group_sum(mx == -INFINITY ? 0.0f : l * exp(mx - gmx), scratch));
    for (int e0 = 0; e0 < D; e0 += GROUP) {
        int e = e0 + lid;
        float acc = 0.0f;
        for (int c0 = 0; c0 <= pos; c0 += GROUP) {
            int j = c0 + lid;
            p[lid] = j <= pos ? exp(dot_row(qr, kb + j * kT, D) * scale - logZ) : 0.0f;
            barrier(CLK_LOCAL_MEM_FENCE);
            int count = min(GROUP, pos + 1 - c0);
            if (e < D) for (int jj = 0; jj < count; jj++) acc = fma(p[jj], vb[(c0 + jj) * vT + e], acc);
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (e < D) out[outOff + g * D + e] = acc;
    }
    if (lid == 0) lse[lseOff + (b * H + h) * T + t] = logZ;
}

// dq += sum_j ds_j k_j with ds_j = p_j (dout . v_j - dout . out) / sqrt(D); saves dout . out in delta.
__kernel void attention_backward_dq(__global const float* q, int qOff, int qB, int qT,
                                    __global const float* k, int kOff, int kB, int kT,
                                    __global const float* v, int vOff, int vB, int vT, __global const int* qPos,
                                    __global const float* out, int outOff, __global const float* lse, int lseOff,
                                    __global const float* dout, int doOff, __global float* dq, int dqOff, int dqB, int dqT,
                                    __global float* delta, int T, int H, int D, int S, int KV) {
    __local float scratch[GROUP];
    __local float ds[GROUP];
    int lid = get_local_id(0), g = get_group_id(0);
    int h = g % H, bt = g / H, t = bt % T, b = bt / T;
    int pos = qPos[bt], kvh = h / (H / KV);
    float scale = 1.0f / sqrt((float) D);
    __global const float* qr = q + qOff + b * qB + t * qT + h * D;
    __global const float* dor = dout + doOff + g * D;
    __global const float* kb = k + kOff + b * kB + kvh * D;
    __global const float* vb = v + vOff + b * vB + kvh * D;
    float part = 0.0f;
    for (int e = lid; e < D; e += GROUP) part = fma(dor[e], out[outOff + g * D + e], part);
    float rowDot = group_sum(part, scratch);
    float logZ = lse[lseOff + (b * H + h) * T + t];
    for (int e0 = 0; e0 < D; e0 += GROUP) {
        int e = e0 + lid;
        float acc = 0.0f;
        for (int c0 = 0; c0 <= pos; c0 += GROUP) {
            int j = c0 + lid;
            float dsj = 0.0f;
            if (j <= pos) {
                float pj = exp(dot_row(qr, kb + j * kT, D) * scale - logZ);
                dsj = pj * (dot_row(dor, vb + j * vT, D) - rowDot) * scale;
            }
            ds[lid] = dsj;
            barrier(CLK_LOCAL_MEM_FENCE);
            int count = min(GROUP, pos + 1 - c0);
            if (e < D) for (int jj = 0; jj < count; jj++) acc = fma(ds[jj], kb[(c0 + jj) * kT + e], acc);
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (e < D) dq[dqOff + b * dqB + t * dqT + h * D + e] += acc;
    }
    if (lid == 0) delta[g] = rowDot;
}

// For key row (b, j, kv head): dv_j += sum p dout, dk_j += sum ds q over the queries (t, h in the
// group) that see key j. Needs delta from attention_backward_dq.
__kernel void attention_backward_dkv(__global const float* q, int qOff, int qB, int qT,
                                     __global const float* k, int kOff, int kB, int kT,
                                     __global const float* v, int vOff, int vB, int vT, __global const int* qPos,
                                     __global const float* lse, int lseOff, __global const float* dout, int doOff,
                                     __global const float* delta, __global float* dk, int dkOff, int dkB, int dkT,
                                     __global float* dv, int dvOff, int dvB, int dvT, int T, int H, int D, int S, int KV) {
    __local float ps[GROUP];
    __local float ds[GROUP];
    __local int rows[GROUP];
    __local int qAt[GROUP];
    int lid = get_local_id(0), g = get_group_id(0);
    int kvh = g % KV, bj = g / KV, j = bj % S, b = bj / S;
    int group = H / KV, pairs = T * group;
    float scale = 1.0f / sqrt((float) D);
    __global const float* kr = k + kOff + b * kB + j * kT + kvh * D;
    __global const float* vr = v + vOff + b * vB + j * vT + kvh * D;
    for (int e0 = 0; e0 < D; e0 += GROUP) {
        int e = e0 + lid;
        float accK = 0.0f, accV = 0.0f;
        for (int c0 = 0; c0 < pairs; c0 += GROUP) {
            int c = c0 + lid, t = c / group, h = kvh * group + c % group;
            float pc = 0.0f, dsc = 0.0f;
            int row = 0, at = qOff;
            if (c < pairs && qPos[b * T + t] >= j) {
                row = (b * T + t) * H + h;
                at = qOff + b * qB + t * qT + h * D;
                pc = exp(dot_row(q + at, kr, D) * scale - lse[lseOff + (b * H + h) * T + t]);
                dsc = pc * (dot_row(dout + doOff + row * D, vr, D) - delta[row]) * scale;
            }
            ps[lid] = pc;
            ds[lid] = dsc;
            rows[lid] = row;
            qAt[lid] = at;
            barrier(CLK_LOCAL_MEM_FENCE);
            int count = min(GROUP, pairs - c0);
            if (e < D) {
                for (int cc = 0; cc < count; cc++) {
                    accV = fma(ps[cc], dout[doOff + rows[cc] * D + e], accV);
                    accK = fma(ds[cc], q[qAt[cc] + e], accK);
                }
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (e < D) {
            dk[dkOff + b * dkB + j * dkT + kvh * D + e] += accK;
            dv[dvOff + b * dvB + j * dvT + kvh * D + e] += accV;
        }
    }
}

__kernel void embedding(__global const float* table, int tOff, int tRow, __global const int* ids,
                        __global float* out, int outOff, int d, int total) {
    int i = get_global_id(0);
    if (i < total) out[outOff + i] = table[tOff + ids[i / d] * tRow + i % d];
}

// dtable[ids[n]] += dout[n], grouped on the host: unique id u collects rows order[start[u] .. start[u+1])
// in increasing n, so each element is written by one item and sums in a fixed order.
__kernel void embedding_backward(__global const float* dout, int dOff, __global const int* unique,
                                 __global const int* start, __global const int* order,
                                 __global float* dtable, int tOff, int d, int total) {
    int i = get_global_id(0);
    if (i >= total) return;
    int u = i / d, e = i % d;
    float s = 0.0f;
    for (int r = start[u]; r < start[u + 1]; r++) s += dout[dOff + order[r] * d + e];
    dtable[tOff + unique[u] * d + e] += s;
}

// loss = logZ - (1-s) x_target - (s/V) sum x  (= -sum_c q_c log p_c); negative targets give 0.
// A work-group a row, of GROUP items or (GPUs) WIDE_GROUP.
__kernel void cross_entropy(__global const float* logits, int lOff, __global const int* targets, float smoothing,
                            __global float* losses, int lsOff, int V) {
    __local float scratch[WIDE_GROUP];
    int row = get_group_id(0), target = targets[row];
    __global const float* x = logits + lOff + row * V;
    float logZ = row_log_sum_exp(x, V, scratch), uniform = 0.0f;
    // Without smoothing the row is not read again for its sum (0 times a sum of masked, -inf, logits
    // would be NaN anyway); smoothing is the same for every item, so all reach group_sum's barriers or none.
    if (smoothing != 0.0f) {
        float sx = 0.0f;
        for (int i = get_local_id(0); i < V; i += get_local_size(0)) sx += x[i];
        uniform = smoothing / V * group_sum(sx, scratch);
    }
    if (get_local_id(0) == 0) losses[lsOff + row] = target < 0 ? 0.0f : logZ - (1.0f - smoothing) * x[target] - uniform;
}

__kernel void cross_entropy_backward(__global const float* logits, int lOff, __global const int* targets,
                                     float smoothing, __global const float* dlosses, int dlOff,
                                     __global float* dlogits, int dOff, int V) {
    __local float scratch[WIDE_GROUP];
    int row = get_group_id(0), target = targets[row];
    __global const float* x = logits + lOff + row * V;
    __global float* dx = dlogits + dOff + row * V;
    float logZ = row_log_sum_exp(x, V, scratch), g = dlosses[dlOff + row];
    for (int c = get_local_id(0); target >= 0 && c < V; c += get_local_size(0)) {
        float qc = (c == target ? 1.0f - smoothing : 0.0f) + smoothing / V;
        dx[c] += g * (exp(x[c] - logZ) - qc);
    }
}
