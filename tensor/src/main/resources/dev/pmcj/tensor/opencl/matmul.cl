// c (+)= op(a) @ op(b) (+ bias per column, after c's old value, when hasBias) per batch, tiled: a 16x16 work-group computes a TILE x TILE block of c, each
// item a PER x PER register block (rows ty + SIDE*i, columns tx + SIDE*j: neighbours read neighbouring
// local words), staging DEPTH-deep slices of a and b through local memory. Tiles are read along
// whichever axis is contiguous in global memory (coalesced for either transpose). Two sizes from one
// body: matmul (64 x 64, 4 x 4 per item) and matmul_wide (128 x 128, 8 x 8 per item: twice the
// multiply-adds per local read, for products with enough tiles to fill the device).
#define DEPTH 16
#define SIDE 16

#define MATMUL_KERNEL(NAME, PER)                                                                       \
__kernel __attribute__((reqd_work_group_size(SIDE, SIDE, 1)))                                          \
void NAME(__global const float* a, int aOff, int aBatch, int transA,                                   \
          __global const float* b, int bOff, int bBatch, int transB,                                   \
          __global float* c, int cOff, int m, int n, int k, int accumulate,                            \
          __global const float* bias, int biasOff, int hasBias) {                                      \
    const int TILE = SIDE * PER;                                                                       \
    __local float as[DEPTH][SIDE * PER + 1];                                                           \
    __local float bs[DEPTH][SIDE * PER + 1];                                                           \
    int batch = get_global_id(2);                                                                      \
    a += aOff + batch * aBatch;                                                                        \
    b += bOff + batch * bBatch;                                                                        \
    c += cOff + batch * m * n;                                                                         \
    int tx = get_local_id(0), ty = get_local_id(1), lid = ty * SIDE + tx;                              \
    int row0 = get_group_id(1) * TILE, col0 = get_group_id(0) * TILE;                                  \
    float acc[PER][PER];                                                                               \
    for (int i = 0; i < PER; i++)                                                                      \
        for (int j = 0; j < PER; j++) acc[i][j] = 0.0f;                                                \
    for (int k0 = 0; k0 < k; k0 += DEPTH) {                                                            \
        for (int l = lid; l < DEPTH * TILE; l += SIDE * SIDE) {                                        \
            int kk = transA ? l / TILE : l % DEPTH, mm = transA ? l % TILE : l / DEPTH;                \
            int gm = row0 + mm, gk = k0 + kk;                                                          \
            as[kk][mm] = gm < m && gk < k ? (transA ? a[gk * m + gm] : a[gm * k + gk]) : 0.0f;         \
            int kb = transB ? l % DEPTH : l / TILE, nn = transB ? l / DEPTH : l % TILE;                \
            int gn = col0 + nn, gkb = k0 + kb;                                                         \
            bs[kb][nn] = gn < n && gkb < k ? (transB ? b[gn * k + gkb] : b[gkb * n + gn]) : 0.0f;      \
        }                                                                                              \
        barrier(CLK_LOCAL_MEM_FENCE);                                                                  \
        for (int kk = 0; kk < DEPTH; kk++) {                                                           \
            float av[PER], bv[PER];                                                                    \
            for (int i = 0; i < PER; i++) av[i] = as[kk][ty + SIDE * i];                               \
            for (int j = 0; j < PER; j++) bv[j] = bs[kk][tx + SIDE * j];                               \
            for (int i = 0; i < PER; i++)                                                              \
                for (int j = 0; j < PER; j++) acc[i][j] = fma(av[i], bv[j], acc[i][j]);                \
        }                                                                                              \
        barrier(CLK_LOCAL_MEM_FENCE);                                                                  \
    }                                                                                                  \
    for (int i = 0; i < PER; i++) {                                                                    \
        int r = row0 + ty + SIDE * i;                                                                  \
        if (r >= m) continue;                                                                          \
        for (int j = 0; j < PER; j++) {                                                                \
            int col = col0 + tx + SIDE * j;                                                            \
            if (col >= n) continue;                                                                    \
            float v = accumulate ? c[r * n + col] + acc[i][j] : acc[i][j];                             \
            c[r * n + col] = hasBias ? v + bias[biasOff + col] : v;                                    \
        }                                                                                              \
    }                                                                                                  \
}

MATMUL_KERNEL(matmul, 4)
MATMUL_KERNEL(matmul_wide, 8)
