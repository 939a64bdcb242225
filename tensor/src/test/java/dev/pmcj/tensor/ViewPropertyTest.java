package dev.pmcj.tensor;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static dev.pmcj.tensor.TestTensors.B;
import static dev.pmcj.tensor.TestTensors.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Views share storage and read the right elements; copy and toHost realise any layout. */
class ViewPropertyTest {

    @Property(tries = 50)
    void transposeThenCopyMovesEveryElement(@ForAll @IntRange(min = 1, max = 4) int a, @ForAll @IntRange(min = 1, max = 4) int b,
                                            @ForAll @IntRange(min = 1, max = 4) int c, @ForAll long seed) {
        Tensor x = TestTensors.random(new Random(seed), -1, 1, a, b, c);
        float[] src = x.toHost();
        Tensor t = x.transpose(0, 2);
        assertSame(x.storage(), t.storage());
        Tensor dst = zeros(c, b, a);
        B.copy(t, dst);
        float[] out = dst.toHost();
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                for (int k = 0; k < c; k++) assertEquals(src[(i * b + j) * c + k], out[(k * b + j) * a + i]);
        assertArrayEquals(out, t.toHost(), "toHost of a view equals its contiguous copy");
        assertArrayEquals(src, t.transpose(0, 2).toHost(), "transposing twice is the identity");
    }

    @Property(tries = 50)
    void sliceReadsTheSubRange(@ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 5) int cols,
                               @ForAll long seed) {
        Random r = new Random(seed);
        Tensor x = TestTensors.random(r, -1, 1, rows, cols);
        float[] src = x.toHost();
        int start = r.nextInt(cols), end = start + 1 + r.nextInt(cols - start);
        float[] got = x.slice(1, start, end).toHost();
        for (int i = 0; i < rows; i++)
            for (int j = start; j < end; j++) assertEquals(src[i * cols + j], got[i * (end - start) + j - start]);
    }

    /** Splitting an axis of any view is a view on the same storage, reading the elements in the same order. */
    @Property(tries = 50)
    void unflattenSplitsAnAxisOfAnyView(@ForAll @IntRange(min = 1, max = 3) int rows, @ForAll @IntRange(min = 1, max = 3) int heads,
                                        @ForAll @IntRange(min = 1, max = 3) int d, @ForAll @IntRange(min = 0, max = 3) int pad,
                                        @ForAll long seed) {
        Random r = new Random(seed);
        Tensor wide = TestTensors.random(r, -1, 1, rows, heads * d + pad);
        Tensor cols = wide.slice(1, pad, pad + heads * d); // rows heads*d + pad apart, as q in a fused projection
        Tensor split = cols.unflatten(1, heads, d);
        assertSame(wide.storage(), split.storage());
        assertArrayEquals(new int[] {rows, heads, d}, split.shape().dims());
        assertArrayEquals(cols.toHost(), split.toHost());
        assertArrayEquals(cols.contiguous().reshape(rows, heads, d).toHost(), split.toHost());
        Tensor rowsSplit = wide.unflatten(0, 1, rows);
        assertArrayEquals(wide.toHost(), rowsSplit.toHost());
        assertThrows(IllegalArgumentException.class, () -> cols.unflatten(1, heads + 1, d));
    }

    @Property(tries = 50)
    void reshapeIsAViewOnlyWhenContiguous(@ForAll @IntRange(min = 2, max = 4) int a, @ForAll @IntRange(min = 2, max = 4) int b,
                                          @ForAll long seed) {
        Tensor x = TestTensors.random(new Random(seed), -1, 1, a, b);
        Tensor flat = x.reshape(-1);
        assertSame(x.storage(), flat.storage());
        assertArrayEquals(x.toHost(), flat.toHost());
        Tensor t = x.transpose(0, 1);
        assertFalse(t.isContiguous());
        Tensor tflat = t.reshape(a * b);
        assertArrayEquals(t.toHost(), tflat.toHost(), "reshape of a transposed view keeps logical order");
    }

    @Property(tries = 50)
    void broadcastCopyRepeatsValues(@ForAll @IntRange(min = 1, max = 4) int a, @ForAll @IntRange(min = 1, max = 4) int b,
                                    @ForAll @IntRange(min = 1, max = 3) int lead, @ForAll long seed) {
        Tensor col = TestTensors.random(new Random(seed), -1, 1, a, 1);
        float[] src = col.toHost();
        Tensor dst = zeros(lead, a, b);
        B.copy(col.broadcastTo(Shape.of(lead, a, b)), dst);
        float[] out = dst.toHost();
        for (int l = 0; l < lead; l++)
            for (int i = 0; i < a; i++)
                for (int j = 0; j < b; j++) assertEquals(src[i], out[(l * a + i) * b + j]);
    }

    /** {@code <broadcast(y), x> = <y, sumTo(x)>}: sumTo is the adjoint of broadcasting. */
    @Property(tries = 50)
    void sumToIsTheAdjointOfBroadcast(@ForAll @IntRange(min = 1, max = 3) int a, @ForAll @IntRange(min = 1, max = 3) int b,
                                      @ForAll @IntRange(min = 1, max = 3) int c, @ForAll long seed) {
        Random r = new Random(seed);
        Shape big = Shape.of(a, b, c), small = Shape.of(b, 1);
        Tensor x = TestTensors.random(r, -1, 1, a, b, c), y = TestTensors.random(r, -1, 1, b, 1);
        Tensor reduced = B.allocate(small);
        B.sumTo(x, reduced, false);
        double lhs = dot(y.broadcastTo(big).toHost(), x.toHost()), rhs = dot(y.toHost(), reduced.toHost());
        assertEquals(lhs, rhs, 1e-5);
    }

    private static double dot(float[] u, float[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) s += (double) u[i] * v[i];
        return s;
    }

    /** The transposed-operand paths agree with transposing by a view and copying. */
    @Property(tries = 50)
    void matmulTransposeFlagsMatchTransposedCopies(@ForAll @IntRange(min = 1, max = 4) int m, @ForAll @IntRange(min = 1, max = 4) int k,
                                                   @ForAll @IntRange(min = 1, max = 4) int n, @ForAll @IntRange(min = 1, max = 3) int batch,
                                                   @ForAll boolean transA, @ForAll boolean transB, @ForAll long seed) {
        Random r = new Random(seed);
        Tensor a = transA ? TestTensors.random(r, -1, 1, batch, k, m) : TestTensors.random(r, -1, 1, batch, m, k);
        Tensor b = transB ? TestTensors.random(r, -1, 1, batch, n, k) : TestTensors.random(r, -1, 1, batch, k, n);
        Tensor c = zeros(batch, m, n), expected = zeros(batch, m, n);
        B.matmul(a, transA, b, transB, c, false);
        Tensor a2 = transA ? a.transpose(1, 2).contiguous() : a, b2 = transB ? b.transpose(1, 2).contiguous() : b;
        float[] ah = a2.toHost(), bh = b2.toHost(), e = new float[batch * m * n];
        for (int z = 0; z < batch; z++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += (double) ah[(z * m + i) * k + p] * bh[(z * k + p) * n + j];
                    e[(z * m + i) * n + j] = (float) s;
                }
        assertArrayEquals(e, c.toHost(), 1e-6f);
        B.fromHost(e, expected);
        assertArrayEquals(expected.toHost(), c.toHost());
    }
}
