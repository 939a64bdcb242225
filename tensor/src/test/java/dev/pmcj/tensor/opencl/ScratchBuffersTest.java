package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.testsupport.OpenClDevice;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.pmcj.testsupport.RandomArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Kernels' intermediate buffers are reused ({@link ScratchBuffers}): a buffer handed back serves the
 * next request it is large enough for, one still taken never serves a second, and threads queueing
 * split products side by side each get their own slices (products checked against the specification).
 */
class ScratchBuffersTest {
    private final Random random = new Random(11);

    @Test
    void aHandedBackBufferServesTheNextRequestItHolds() {
        ScratchBuffers pool = new ScratchBuffers(OpenClDevice.require().runtime());
        ScratchBuffers.Scratch first = pool.take(1000);
        ScratchBuffers.Scratch second = pool.take(10);
        assertNotSame(first.mem(), second.mem(), "a taken buffer is served twice");
        second.close();
        first.close();
        try (ScratchBuffers.Scratch small = pool.take(10); ScratchBuffers.Scratch large = pool.take(500)) {
            assertSame(second.mem(), small.mem(), "the smallest buffer that holds the request");
            assertSame(first.mem(), large.mem());
        }
        try (ScratchBuffers.Scratch larger = pool.take(2000)) {
            assertNotSame(first.mem(), larger.mem(), "a buffer too small for the request");
        }
    }

    @Test
    void threadsSplittingProductsSideBySideEachGetTheirOwnSlices() throws Exception {
        Backend cl = OpenClOtherKernelsConformanceTest.variant(OpenClBackend.Kernels.GPU_SPLIT), spec = Backends.scalar();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                int m = 5 + thread, k = 40 + 9 * thread, n = 3 + 2 * thread; // sizes differ: buffers pass between sizes
                float[] a = gaussian(random, m * k), b = gaussian(random, k * n);
                float[] expected = product(spec, a, b, m, k, n);
                runs.add(threads.submit(() -> {
                    for (int round = 0; round < 50; round++) {
                        assertArrayEquals(expected, product(cl, a, b, m, k, n), 1e-4f, "m " + m + ", round " + round);
                    }
                }));
            }
            for (Future<?> run : runs) run.get();
        }
    }

    private static float[] product(Backend be, float[] a, float[] b, int m, int k, int n) {
        Tensor c = be.allocate(Shape.of(m, n));
        be.matmul(be.fromHost(a, Shape.of(m, k)), false, be.fromHost(b, Shape.of(k, n)), false, c, false);
        float[] out = new float[m * n];
        be.toHost(c, out);
        return out;
    }
}
