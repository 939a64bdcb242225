// c (+)= op(a) @ op(b) (+ bias per column, after c's old value, when hasBias) per batch, tiled: a 16x16 work-group computes a 64 x 64 block of c, each
// item a 4 x 4 register block (rows ty + 16*i, columns tx + 16*j: neighbours read neighbouring
// local words), staging DEPTH-deep slices of a and b through local memory. Tiles are read along
// whichever axis is contiguous in global memory (coalesced for either transpose).
// Split over k (splits > 1, for products with too few tiles to keep the device busy): the third
// grid axis runs batch * splits; slice s sums k in [s * kChunk, (s + 1) * kChunk) into its own
// m x n block of c (a scratch buffer then), and matmul_sum_splits adds the slices in order.
#define DEPTH 16
#define SIDE 16
#define PER 4
#define TILE (SIDE * PER)

__kernel __attribute__((reqd_work_group_size(SIDE, SIDE, 1)))
void matmul(__global const float* a, int aOff, int aBatch, int transA,
            __global const float* b, int bOff, int bBatch, int transB,
            __global float* c, int cOff, int m, int n, int k, int accumulate,
            __global const float* bias, int biasOff, int hasBias, int splits, int kChunk) {
    __local float as[DEPTH][TILE + 1];
    __local float bs[DEPTH][TILE + 1];
    int slice = get_global_id(2), batch = slice / splits;
    int kLo = slice % splits * kChunk, kHi = min(k, kLo + kChunk);
    a += aOff + batch * aBatch;
    b += bOff + batch * bBatch;
    c += cOff + slice * m * n;
    int tx = get_local_id(0), ty = get_local_id(1), lid = ty * SIDE + tx;
    int row0 = get_group_id(1) * TILE, col0 = get_group_id(0) * TILE;
    float acc[PER][PER];
    for (int i = 0; i < PER; i++)
        for (int j = 0; j < PER; j++) acc[i][j] = 0.0f;
    for (int k0 = kLo; k0 < kHi; k0 += DEPTH) {
        for (int l = lid; l < DEPTH * TILE; l += SIDE * SIDE) {
            int kk = transA ? l / TILE : l % DEPTH, mm = transA ? l % TILE : l / DEPTH;
            int gm = row0 + mm, gk = k0 + kk;
            as[kk][mm] = gm < m && gk < kHi ? (transA ? a[gk * m + gm] : a[gm * k + gk]) : 0.0f;
            int kb = transB ? l % DEPTH : l / TILE, nn = transB ? l / DEPTH : l % TILE;
            int gn = col0 + nn, gkb = k0 + kb;
            bs[kb][nn] = gn < n && gkb < kHi ? (transB ? b[gn * k + gkb] : b[gkb * n + gn]) : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int kk = 0; kk < DEPTH; kk++) {
            float av[PER], bv[PER];
            for (int i = 0; i < PER; i++) av[i] = as[kk][ty + SIDE * i];
            for (int j = 0; j < PER; j++) bv[j] = bs[kk][tx + SIDE * j];
            for (int i = 0; i < PER; i++)
                for (int j = 0; j < PER; j++) acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; i < PER; i++) {
        int r = row0 + ty + SIDE * i;
        if (r >= m) continue;
        for (int j = 0; j < PER; j++) {
            int col = col0 + tx + SIDE * j;
            if (col >= n) continue;
            float v = accumulate ? c[r * n + col] + acc[i][j] : acc[i][j];
            c[r * n + col] = hasBias ? v + bias[biasOff + col] : v;
        }
    }
}

// c (+)= the sum of a split product's slices (+ bias per column), slices added in order.
__kernel void matmul_sum_splits(__global const float* partial, int splits, int batches, int m, int n,
                                __global float* c, int cOff, int accumulate,
                                __global const float* bias, int biasOff, int hasBias) {
    long i = get_global_id(0), mn = (long) m * n;
    if (i >= batches * mn) return;
    long batch = i / mn, e = i % mn;
    __global const float* p = partial + batch * splits * mn + e;
    float v = 0.0f;
    for (int s = 0; s < splits; s++) v += p[s * mn];
    if (accumulate) v = c[cOff + i] + v;
    c[cOff + i] = hasBias ? v + bias[biasOff + e % n] : v;
}
