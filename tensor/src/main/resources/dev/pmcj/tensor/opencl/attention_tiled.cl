// Causal attention for GPUs over many query rows (training, prefill), FlashAttention's way: a
// work-group takes ATT_TILE query rows of one head (forward, dq) or ATT_TILE key rows of one KV head
// (dk, dv), and the other side's rows pass through local memory ATT_TILE at a time, so each is read
// from global memory once per group, not once per row, and a score is computed once where
// transformer.cl's kernels computed it twice. Each row is shared by ATT_LANES items (lane = lid /
// ATT_TILE), lane L taking every ATT_LANES-th key (or query) of a tile, which divides the serial
// chain of one row's work; the lanes' partial results meet in local memory at the end. Same layouts,
// arguments and formulas as transformer.cl's kernels; heads up to ATT_HEAD4 * 4 wide, zero-padded to
// that width. Decoding's single query rows keep transformer.cl's kernels, which spread one row's
// keys over a whole group. ATT_TILE, ATT_LANES and ATT_HEAD4 come from the Java side (ClRuntime).
#define ATT_ITEMS (ATT_TILE * ATT_LANES)

// Rows r0 .. r0 + ATT_TILE - 1 of x (rows step floats apart, `rows` of them) into tile, zeros past
// each row's d floats and past the last row; consecutive items read consecutive floats.
void load_tile(__global const float* x, int step, int r0, int rows, int d, __local float4* tile) {
    __local float* f = (__local float*) tile;
    for (int i = get_local_id(0); i < ATT_TILE * ATT_HEAD4 * 4; i += ATT_ITEMS) {
        int r = i / (ATT_HEAD4 * 4), e = i % (ATT_HEAD4 * 4);
        f[i] = r0 + r < rows && e < d ? x[(r0 + r) * step + e] : 0.0f;
    }
}

// Keys c0 .. c0 + ATT_TILE - 1 (of S, rows kT and vT floats apart) and their values into kt and vt,
// then a barrier.
void load_keys(__global const float* k, int kT, __global const float* v, int vT, int c0, int S, int d,
               __local float4* kt, __local float4* vt) {
    load_tile(k, kT, c0, S, d, kt);
    load_tile(v, vT, c0, S, d, vt);
    barrier(CLK_LOCAL_MEM_FENCE);
}

// The d floats of x into row, zero-padded.
void load_row(__global const float* x, int d, float4* row) {
    #pragma unroll
    for (int i = 0; i < ATT_HEAD4; i++) {
        int e = 4 * i;
        row[i] = (float4) (e < d ? x[e] : 0.0f, e + 1 < d ? x[e + 1] : 0.0f, e + 2 < d ? x[e + 2] : 0.0f, e + 3 < d ? x[e + 3] : 0.0f);
    }
}

float dot_private_local(const float4* x, __local const float4* y) {
    float4 s = 0.0f;
    #pragma unroll
    for (int i = 0; i < ATT_HEAD4; i++) s = fma(x[i], y[i], s);
    return s.x + s.y + s.z + s.w;
}

float dot_local(__local const float4* x, __local const float4* y) {
    float4 s = 0.0f;
    #pragma unroll
    for (int i = 0; i < ATT_HEAD4; i++) s = fma(x[i], y[i], s);
    return s.x + s.y + s.z + s.w;
}

// The largest position in the group, through common.cl's group_max (positions are exact in a float).
int tile_max(int pos, __local float* scratch) {
    return (int) group_max((float) pos, scratch);
}

// Lane 0's row += the other lanes' rows of the same index (through buffer, ATT_TILE rows of float4s).
void sum_lanes(float4* row, __local float4* buffer) {
    int lane = get_local_id(0) / ATT_TILE;
    __local float4* mine = buffer + get_local_id(0) % ATT_TILE * ATT_HEAD4;
    for (int from = 1; from < ATT_LANES; from++) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lane == from) {
            #pragma unroll
            for (int i = 0; i < ATT_HEAD4; i++) mine[i] = row[i];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lane == 0) {
            #pragma unroll
            for (int i = 0; i < ATT_HEAD4; i++) row[i] += mine[i];
        }
    }
}

// x's first d floats += row, or = row when store.
void add_row(__global float* x, int d, const float4* row, int store) {
    #pragma unroll
    for (int i = 0; i < ATT_HEAD4; i++) {
        float r[4] = {row[i].x, row[i].y, row[i].z, row[i].w};
        #pragma unroll
        for (int c = 0; c < 4; c++) {
            if (4 * i + c < d) x[4 * i + c] = store ? r[c] : x[4 * i + c] + r[c];
        }
    }
}

// Group (b, h, query tile). Online softmax per item: the running maximum m and sum l rescale acc
// whenever a larger score arrives; the lanes' (m, l, acc) are brought to their common maximum and
// added.
__kernel __attribute__((reqd_work_group_size(ATT_ITEMS, 1, 1)))
void attention_forward_tiled(__global const float* q, int qOff, int qB, int qT,
                             __global const float* k, int kOff, int kB, int kT,
                             __global const float* v, int vOff, int vB, int vT, __global const int* qPos,
                             __global float* out, int outOff, __global float* lse, int lseOff,
                             int T, int H, int D, int S, int KV) {
    __local float4 kt[ATT_TILE * ATT_HEAD4], vt[ATT_TILE * ATT_HEAD4];
    __local float scratch[ATT_ITEMS], ms[ATT_ITEMS], ls[ATT_ITEMS];
    int lid = get_local_id(0), lane = lid / ATT_TILE, tiles = (T + ATT_TILE - 1) / ATT_TILE, g = get_group_id(0);
    int t = g % tiles * ATT_TILE + lid % ATT_TILE, bh = g / tiles, h = bh % H, b = bh / H, kvh = h / (H / KV);
    int live = t < T, pos = live ? qPos[b * T + t] : -1;
    float scale = 1.0f / sqrt((float) D);
    float4 qr[ATT_HEAD4], acc[ATT_HEAD4];
    load_row(q + qOff + b * qB + t * qT + h * D, live ? D : 0, qr);
    #pragma unroll
    for (int i = 0; i < ATT_HEAD4; i++) acc[i] = 0.0f;
    float m = -INFINITY, l = 0.0f;
    int last = tile_max(pos, scratch);
    for (int c0 = 0; c0 <= last; c0 += ATT_TILE) {
        load_keys(k + kOff + b * kB + kvh * D, kT, v + vOff + b * vB + kvh * D, vT, c0, S, D, kt, vt);
        int count = min(ATT_TILE, pos + 1 - c0);
        for (int jj = lane; jj < count; jj += ATT_LANES) {
            float s = dot_private_local(qr, kt + jj * ATT_HEAD4) * scale;
            if (s > m) {
                float c = exp(m - s);
                l *= c;
                #pragma unroll
                for (int i = 0; i < ATT_HEAD4; i++) acc[i] *= c;
                m = s;
            }
            float p = exp(s - m);
            l += p;
            #pragma unroll
            for (int i = 0; i < ATT_HEAD4; i++) acc[i] = fma(p, vt[jj * ATT_HEAD4 + i], acc[i]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    ms[lid] = m;
    ls[lid] = l;
    barrier(CLK_LOCAL_MEM_FENCE);
    float top = -INFINITY, sum = 0.0f;
    for (int from = lid % ATT_TILE; from < ATT_ITEMS; from += ATT_TILE) top = fmax(top, ms[from]);
    for (int from = lid % ATT_TILE; from < ATT_ITEMS; from += ATT_TILE) {
        if (ms[from] != -INFINITY) sum += ls[from] * exp(ms[from] - top);
    }
    float c = m == -INFINITY ? 0.0f : exp(m - top) / sum;
    #pragma unroll
    for (int i = 0; i < ATT_HEAD4; i++) acc[i] *= c;
    sum_lanes(acc, kt);
    if (!live || lane != 0) return;
    add_row(out + outOff + ((b * T + t) * H + h) * D, D, acc, 1);
    lse[lseOff + (b * H + h) * T + t] = top + log(sum);
}

// dq += sum_j ds_j k_j with ds_j = p_j (dout . v_j - dout . out) / sqrt(D); saves dout . out in delta.
__kernel __attribute__((reqd_work_group_size(ATT_ITEMS, 1, 1)))
void attention_backward_dq_tiled(__global const float* q, int qOff, int qB, int qT,
                                 __global const float* k, int kOff, int kB, int kT,
                                 __global const float* v, int vOff, int vB, int vT, __global const int* qPos,
                                 __global const float* out, int outOff, __global const float* lse, int lseOff,
                                 __global const float* dout, int doOff, __global float* dq, int dqOff, int dqB, int dqT,
                                 __global float* delta, int T, int H, int D, int S, int KV) {
    __local float4 kt[ATT_TILE * ATT_HEAD4], vt[ATT_TILE * ATT_HEAD4];
    __local float scratch[ATT_ITEMS];
    int lid = get_local_id(0), lane = lid / ATT_TILE, tiles = (T + ATT_TILE - 1) / ATT_TILE, g = get_group_id(0);
    int t = g % tiles * ATT_TILE + lid % ATT_TILE, bh = g / tiles, h = bh % H, b = bh / H, kvh = h / (H / KV);
    int live = t < T, pos = live ? qPos[b * T + t] : -1, row = (b * T + t) * H + h;
    float scale = 1.0f / sqrt((float) D);
    float4 qr[ATT_HEAD4], dr[ATT_HEAD4], acc[ATT_HEAD4];
    load_row(q + qOff + b * qB + t * qT + h * D, live ? D : 0, qr);
    load_row(dout + doOff + row * D, live ? D : 0, dr);
    load_row(out + outOff + row * D, live ? D : 0, acc); // every load in flight at once, not one after another
    float4 dot4 = 0.0f;
    #pragma unroll
    for (int i = 0; i < ATT_HEAD4; i++) {
        dot4 = fma(dr[i], acc[i], dot4);
        acc[i] = 0.0f;
    }
    float rowDot = dot4.x + dot4.y + dot4.z + dot4.w;
    float logZ = live ? lse[lseOff + (b * H + h) * T + t] : 0.0f;
    int last = tile_max(pos, scratch);
    for (int c0 = 0; c0 <= last; c0 += ATT_TILE) {
        load_keys(k + kOff + b * kB + kvh * D, kT, v + vOff + b * vB + kvh * D, vT, c0, S, D, kt, vt);
        int count = min(ATT_TILE, pos + 1 - c0);
        for (int jj = lane; jj < count; jj += ATT_LANES) {
            float p = exp(dot_private_local(qr, kt + jj * ATT_HEAD4) * scale - logZ);
            float ds = p * (dot_private_local(dr, vt + jj * ATT_HEAD4) - rowDot) * scale;
            #pragma unroll
            for (int i = 0; i < ATT_HEAD4; i++) acc[i] = fma(ds, kt[jj * ATT_HEAD4 + i], acc[i]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    sum_lanes(acc, kt);
    if (!live || lane != 0) return;
    add_row(dq + dqOff + b * dqB + t * dqT + h * D, D, acc, 0);
    delta[row] = rowDot;
}

// Group (b, kv head, key tile); item j: dv_j += sum p dout, dk_j += sum ds q over the queries (t, h
// in the KV head's group) that see key j, ATT_TILE queries of one head at a time. k_j stays in local
// memory (rows padded by one float4, so the items' reads fall in different banks), v_j and the two
// sums in registers. Needs delta from attention_backward_dq_tiled.
__kernel __attribute__((reqd_work_group_size(ATT_ITEMS, 1, 1)))
void attention_backward_dkv_tiled(__global const float* q, int qOff, int qB, int qT,
                                  __global const float* k, int kOff, int kB, int kT,
                                  __global const float* v, int vOff, int vB, int vT, __global const int* qPos,
                                  __global const float* lse, int lseOff, __global const float* dout, int doOff,
                                  __global const float* delta, __global float* dk, int dkOff, int dkB, int dkT,
                                  __global float* dv, int dvOff, int dvB, int dvT, int T, int H, int D, int S, int KV) {
    __local float4 qt[ATT_TILE * ATT_HEAD4], dt[ATT_TILE * ATT_HEAD4], kl[ATT_TILE * (ATT_HEAD4 + 1)];
    __local float lt[ATT_TILE], delt[ATT_TILE], scratch[ATT_ITEMS];
    __local int pt[ATT_TILE];
    int lid = get_local_id(0), lane = lid / ATT_TILE, tiles = (S + ATT_TILE - 1) / ATT_TILE, g = get_group_id(0);
    int j0 = g % tiles * ATT_TILE, j = j0 + lid % ATT_TILE, bkv = g / tiles, kvh = bkv % KV, b = bkv / KV;
    int live = j < S, group = H / KV;
    float scale = 1.0f / sqrt((float) D);
    float4 vr[ATT_HEAD4], ak[ATT_HEAD4], av[ATT_HEAD4];
    __local float4* kr = kl + lid % ATT_TILE * (ATT_HEAD4 + 1);
    if (lane == 0) {
        load_row(k + kOff + b * kB + j * kT + kvh * D, live ? D : 0, vr);
        #pragma unroll
        for (int i = 0; i < ATT_HEAD4; i++) kr[i] = vr[i];
    }
    load_row(v + vOff + b * vB + j * vT + kvh * D, live ? D : 0, vr);
    #pragma unroll
    for (int i = 0; i < ATT_HEAD4; i++) ak[i] = av[i] = 0.0f;
    for (int h = kvh * group; h < (kvh + 1) * group; h++) {
        for (int t0 = 0; t0 < T; t0 += ATT_TILE) {
            int t = t0 + lid;
            if (lid < ATT_TILE) {
                pt[lid] = t < T ? qPos[b * T + t] : -1;
                lt[lid] = t < T ? lse[lseOff + (b * H + h) * T + t] : 0.0f;
                delt[lid] = t < T ? delta[(b * T + t) * H + h] : 0.0f;
            }
            if (tile_max(lid < ATT_TILE ? pt[lid] : -1, scratch) < j0) continue; // no query here sees the group's keys
            load_tile(q + qOff + b * qB + h * D, qT, t0, T, D, qt);
            load_tile(dout + doOff + (b * T * H + h) * D, H * D, t0, T, D, dt);
            barrier(CLK_LOCAL_MEM_FENCE);
            for (int c = lane; live && c < min(ATT_TILE, T - t0); c += ATT_LANES) {
                if (pt[c] < j) continue;
                float p = exp(dot_local(qt + c * ATT_HEAD4, kr) * scale - lt[c]);
                float ds = p * (dot_private_local(vr, dt + c * ATT_HEAD4) - delt[c]) * scale;
                #pragma unroll
                for (int i = 0; i < ATT_HEAD4; i++) {
                    av[i] = fma(p, dt[c * ATT_HEAD4 + i], av[i]);
                    ak[i] = fma(ds, qt[c * ATT_HEAD4 + i], ak[i]);
                }
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
    }
    sum_lanes(ak, qt);
    sum_lanes(av, dt);
    if (!live || lane != 0) return;
    add_row(dk + dkOff + b * dkB + j * dkT + kvh * D, D, ak, 0);
    add_row(dv + dvOff + b * dvB + j * dvT + kvh * D, D, av, 0);
}
