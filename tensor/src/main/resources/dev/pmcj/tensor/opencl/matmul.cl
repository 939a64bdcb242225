// c (+)= op(a) @ op(b) (+ bias per column, after c's old value, when hasBias) per batch, tiled: an
// 8x8 work-group computes a 64 x 64 block of c, each item an 8 x 8 register block (rows 4ty..4ty+3
// and 32+4ty.., columns likewise with tx), so each step along k reads four float4s of local memory
// for 64 FMAs. DEPTH-deep slices of a and b pass through registers into local memory: the next
// slice's global loads are issued before the current one is summed. Tiles are read along whichever
// axis is contiguous in global memory (coalesced for either transpose).
// Split over k (splits > 1, for products with too few tiles to keep the device busy): the third
// grid axis runs batch * splits; slice s sums k in [s * kChunk, (s + 1) * kChunk) into its own
// m x n block of c (a scratch buffer then), and matmul_sum_splits adds the slices in order.
#define DEPTH 16
#define SIDE 8
#define PER 8
#define TILE (SIDE * PER)
#define ITEMS (SIDE * SIDE)
#define LOADS (DEPTH * TILE / ITEMS)
#define ROW (TILE + 4)

// Where an item's share of a DEPTH x TILE slice of x lies: its s-th element (s < LOADS) sits at
// tile line t0 + t + s * tStep, depth kk + s * kkStep, storage index at + s * sStep + k0 * kStep, and
// local index slot + s * slotStep. Untransposed x is rows x k (a DEPTH-wide run of k per line);
// trans: x is k x rows (a TILE-wide run of lines per depth), so loads are coalesced either way.
typedef struct { int t, tStep, kk, kkStep, at, sStep, kStep, slot, slotStep; } Share;

inline Share share_of(int trans, int rows, int k, int t0, int lid) {
    Share h;
    h.t = t0 + (trans ? lid % TILE : lid / DEPTH);
    h.tStep = trans ? 0 : ITEMS / DEPTH;
    h.kk = trans ? lid / TILE : lid % DEPTH;
    h.kkStep = trans ? ITEMS / TILE : 0;
    h.at = trans ? h.kk * rows + h.t : h.t * k + h.kk;
    h.sStep = trans ? h.kkStep * rows : h.tStep * k;
    h.kStep = trans ? rows : 1;
    h.slot = h.kk * ROW + h.t - t0;
    h.slotStep = h.kkStep * ROW + h.tStep;
    return h;
}

// whole: the slice lies inside x (every tile but the last along rows or k), so no bounds are checked.
inline void load_share(__global const float* x, Share h, int rows, int k0, int kHi, bool whole, float* into) {
    if (whole) {
        for (int s = 0; s < LOADS; s++) into[s] = x[h.at + s * h.sStep + k0 * h.kStep];
    } else {
        for (int s = 0; s < LOADS; s++) {
            bool in = h.t + s * h.tStep < rows && k0 + h.kk + s * h.kkStep < kHi;
            into[s] = in ? x[h.at + s * h.sStep + k0 * h.kStep] : 0.0f;
        }
    }
}

inline void store_share(__local float* xs, Share h, const float* from) {
    for (int s = 0; s < LOADS; s++) xs[h.slot + s * h.slotStep] = from[s];
}

// Row or column i (0..PER-1) of an item's register block, relative to the tile.
inline int block_line(int t, int i) {
    return (i < PER / 2 ? 0 : TILE / 2) + 4 * t + i % 4;
}

__kernel __attribute__((reqd_work_group_size(SIDE, SIDE, 1)))
void matmul(__global const float* a, int aOff, int aBatch, int transA,
            __global const float* b, int bOff, int bBatch, int transB,
            __global float* c, int cOff, int m, int n, int k, int accumulate,
            __global const float* bias, int biasOff, int hasBias, int splits, int kChunk) {
    __local float4 as4[DEPTH * ROW / 4], bs4[DEPTH * ROW / 4];
    __local float* as = (__local float*) as4;
    __local float* bs = (__local float*) bs4;
    int slice = get_global_id(2), batch = slice / splits;
    int kLo = slice % splits * kChunk, kHi = min(k, kLo + kChunk);
    a += aOff + batch * aBatch;
    b += bOff + batch * bBatch;
    c += cOff + slice * m * n;
    int tx = get_local_id(0), ty = get_local_id(1), lid = ty * SIDE + tx;
    int row0 = get_group_id(1) * TILE, col0 = get_group_id(0) * TILE;
    float acc[PER][PER], an[LOADS], bn[LOADS];
    for (int i = 0; i < PER; i++)
        for (int j = 0; j < PER; j++) acc[i][j] = 0.0f;
    Share ha = share_of(transA, m, k, row0, lid), hb = share_of(!transB, n, k, col0, lid);
    bool aWhole = row0 + TILE <= m, bWhole = col0 + TILE <= n;
    load_share(a, ha, m, kLo, kHi, aWhole && kLo + DEPTH <= kHi, an);
    load_share(b, hb, n, kLo, kHi, bWhole && kLo + DEPTH <= kHi, bn);
    for (int k0 = kLo; k0 < kHi; k0 += DEPTH) {
        store_share(as, ha, an);
        store_share(bs, hb, bn);
        barrier(CLK_LOCAL_MEM_FENCE);
        if (k0 + DEPTH < kHi) {
            bool kWhole = k0 + 2 * DEPTH <= kHi;
            load_share(a, ha, m, k0 + DEPTH, kHi, aWhole && kWhole, an);
            load_share(b, hb, n, k0 + DEPTH, kHi, bWhole && kWhole, bn);
        }
        for (int kk = 0; kk < DEPTH; kk++) {
            float4 a0 = as4[(kk * ROW) / 4 + ty], a1 = as4[(kk * ROW + TILE / 2) / 4 + ty];
            float4 b0 = bs4[(kk * ROW) / 4 + tx], b1 = bs4[(kk * ROW + TILE / 2) / 4 + tx];
            float av[PER] = {a0.s0, a0.s1, a0.s2, a0.s3, a1.s0, a1.s1, a1.s2, a1.s3};
            float bv[PER] = {b0.s0, b0.s1, b0.s2, b0.s3, b1.s0, b1.s1, b1.s2, b1.s3};
            for (int i = 0; i < PER; i++)
                for (int j = 0; j < PER; j++) acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; i < PER; i++) {
        int r = row0 + block_line(ty, i);
        if (r >= m) continue;
        for (int j = 0; j < PER; j++) {
            int col = col0 + block_line(tx, j);
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
