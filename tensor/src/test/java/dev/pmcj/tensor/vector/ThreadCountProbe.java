package dev.pmcj.tensor.vector;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

import java.util.Arrays;
import java.util.Random;

/**
 * Runs the products that cut C's rows among the threads ({@link Gemm#sharedPacked}) on fixed inputs
 * and prints one line per product, {@code NAME HASH} of the result's bits. {@link
 * ThreadCountDeterminismTest} runs it in JVMs told different core counts: every element sums its k
 * products in one order whichever thread computes it, so the lines must not change.
 */
public final class ThreadCountProbe {
    private static final Backend BE = new VectorBackend();
    private static final Random RND = new Random(11);

    private ThreadCountProbe() {
    }

    public static void main(String[] args) {
        // From 512 rows; k past one k group (KG) and n past one column block (NC); every transpose.
        Tensor a = random(530, 1100), at = random(1100, 530), b = random(1100, 72), bt = random(72, 1100);
        Tensor wide = random(24, 3100), narrow = random(530, 24);
        print("A B", product(a, false, b, false));
        print("A^T B^T", product(at, true, bt, true));
        print("A B, n past NC", product(narrow, false, wide, false));
        // A linear layer's weight gradients with its bias sums (dy^T x, dy's column sums).
        Tensor dy = random(20, 530), x = random(20, 3100), dw = BE.allocate(Shape.of(530, 3100)), db = BE.allocate(Shape.of(530));
        BE.linearWeightGradients(dy, x, dw, false, db, false);
        print("dW", dw);
        print("db", db);
    }

    private static Tensor product(Tensor a, boolean ta, Tensor b, boolean tb) {
        Tensor c = random(ta ? a.shape().dim(1) : a.shape().dim(0), tb ? b.shape().dim(0) : b.shape().dim(1));
        BE.matmul(a, ta, b, tb, c, true);
        return c;
    }

    private static void print(String name, Tensor t) {
        float[] v = t.toHost();
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) bits[i] = Float.floatToRawIntBits(v[i]);
        System.out.println(name + " " + Integer.toHexString(Arrays.hashCode(bits)));
    }

    private static Tensor random(int... dims) {
        float[] v = new float[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) RND.nextGaussian();
        return BE.fromHost(v, Shape.of(dims));
    }
}
