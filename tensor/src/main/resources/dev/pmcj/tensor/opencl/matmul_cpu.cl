// c (+)= op(a) @ op(b) (+ bias per column, as matmul.cl) per batch for CPU devices (PoCL): no local
// memory and no barriers. PoCL runs a work-group's items as a loop, so the tiled kernel's per-item
// register blocks live across barriers and spill to memory; here each item computes a BM x BN block
// of c straight from global memory (the CPU caches hold the rows it streams), in float8 vectors
// along a contiguous axis.
#define BM 4
#define BN 8

// Sum of the 8 lanes.
float hsum8(float8 v) {
    float4 s = v.lo + v.hi;
    return s.x + s.y + s.z + s.w;
}

__kernel void matmul_cpu(__global const float* a, int aOff, int aBatch, int transA,
                         __global const float* b, int bOff, int bBatch, int transB,
                         __global float* c, int cOff, int m, int n, int k, int accumulate,
                         __global const float* bias, int biasOff, int hasBias) {
    int batch = get_global_id(2);
    int j0 = get_global_id(0) * BN, i0 = get_global_id(1) * BM;
    if (i0 >= m || j0 >= n) return;
    a += aOff + batch * aBatch;
    b += bOff + batch * bBatch;
    c += cOff + batch * m * n;
    // Rows and columns past the edge repeat the last one (computed, never stored), so every block
    // takes the vector path. op(a)[i, kk] = a[i * ai + kk * ak]; op(b)[kk, j] = b[kk * bk + j * bj].
    int ai = transA ? 1 : k, ak = transA ? m : 1, bk = transB ? 1 : n, bj = transB ? k : 1;
    int row[BM], col[BN];
    for (int r = 0; r < BM; r++) row[r] = min(i0 + r, m - 1);
    for (int q = 0; q < BN; q++) col[q] = min(j0 + q, n - 1);
    float acc[BM][BN];
    if (transB && !transA) {
        // Rows of a and of b both run along k: 2x4 dot products at a time in float8 lanes of k.
        int k8 = k & ~7;
        for (int r0 = 0; r0 < BM; r0 += 2)
            for (int q0 = 0; q0 < BN; q0 += 4) {
                __global const float* a0r = a + row[r0] * k;
                __global const float* a1r = a + row[r0 + 1] * k;
                __global const float* b0r = b + col[q0] * k;
                __global const float* b1r = b + col[q0 + 1] * k;
                __global const float* b2r = b + col[q0 + 2] * k;
                __global const float* b3r = b + col[q0 + 3] * k;
                float8 s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
                for (int kk = 0; kk < k8; kk += 8) {
                    float8 a0 = vload8(0, a0r + kk), a1 = vload8(0, a1r + kk);
                    float8 b0 = vload8(0, b0r + kk), b1 = vload8(0, b1r + kk);
                    float8 b2 = vload8(0, b2r + kk), b3 = vload8(0, b3r + kk);
                    s00 = fma(a0, b0, s00); s01 = fma(a0, b1, s01); s02 = fma(a0, b2, s02); s03 = fma(a0, b3, s03);
                    s10 = fma(a1, b0, s10); s11 = fma(a1, b1, s11); s12 = fma(a1, b2, s12); s13 = fma(a1, b3, s13);
                }
                float t0[4] = {hsum8(s00), hsum8(s01), hsum8(s02), hsum8(s03)};
                float t1[4] = {hsum8(s10), hsum8(s11), hsum8(s12), hsum8(s13)};
                for (int kk = k8; kk < k; kk++) {
                    float x0 = a0r[kk], x1 = a1r[kk];
                    float y[4] = {b0r[kk], b1r[kk], b2r[kk], b3r[kk]};
                    for (int q = 0; q < 4; q++) {
                        t0[q] = fma(x0, y[q], t0[q]);
                        t1[q] = fma(x1, y[q], t1[q]);
                    }
                }
                for (int q = 0; q < 4; q++) {
                    acc[r0][q0 + q] = t0[q];
                    acc[r0 + 1][q0 + q] = t1[q];
                }
            }
    } else {
        // Outer products: per kk, BM numbers of op(a)'s column times a float8 of op(b)'s row.
        __global const float* a0 = a + row[0] * ai;
        __global const float* a1 = a + row[1] * ai;
        __global const float* a2 = a + row[2] * ai;
        __global const float* a3 = a + row[3] * ai;
        float8 s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (!transB && j0 + BN <= n) {
            for (int kk = 0; kk < k; kk++) {
                float8 bv = vload8(0, b + kk * n + j0);
                int at = kk * ak;
                s0 = fma((float8) a0[at], bv, s0);
                s1 = fma((float8) a1[at], bv, s1);
                s2 = fma((float8) a2[at], bv, s2);
                s3 = fma((float8) a3[at], bv, s3);
            }
        } else {
            for (int kk = 0; kk < k; kk++) {
                __global const float* br = b + kk * bk;
                float8 bv = (float8)(br[col[0] * bj], br[col[1] * bj], br[col[2] * bj], br[col[3] * bj],
                                     br[col[4] * bj], br[col[5] * bj], br[col[6] * bj], br[col[7] * bj]);
                int at = kk * ak;
                s0 = fma((float8) a0[at], bv, s0);
                s1 = fma((float8) a1[at], bv, s1);
                s2 = fma((float8) a2[at], bv, s2);
                s3 = fma((float8) a3[at], bv, s3);
            }
        }
        float8 s[BM] = {s0, s1, s2, s3};
        for (int r = 0; r < BM; r++) vstore8(s[r], 0, acc[r]);
    }
    for (int r = 0; r < min(BM, m - i0); r++) {
        __global float* cr = c + (i0 + r) * n + j0;
        for (int q = 0; q < min(BN, n - j0); q++) {
            float v = accumulate ? cr[q] + acc[r][q] : acc[r][q];
            cr[q] = hasBias ? v + bias[biasOff + j0 + q] : v;
        }
    }
}
