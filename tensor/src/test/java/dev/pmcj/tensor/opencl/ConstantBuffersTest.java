package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.testsupport.OpenClDevice;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static dev.pmcj.testsupport.RandomArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The device keeps small int arrays and rope tables by content ({@link ConstantBuffers}): a caller's
 * array refilled between calls, the same positions with another theta or head size, and more arrays
 * than are kept must each reach the kernel as they are, as on the scalar specification.
 */
class ConstantBuffersTest {
    private static final int WIDTH = 4;
    private final Backend spec = Backends.scalar();
    private final Random random = new Random(7);

    @Test
    void refilledArraysReachTheKernelAsTheyAreNow() {
        OpenClBackend cl = OpenClDevice.require();
        float[] table = gaussian(random, 10 * WIDTH);
        int[] ids = {3, 1, 4};
        for (int round = 0; round < 3; round++) {
            assertArrayEquals(embedding(spec, table, ids), embedding(cl, table, ids), "round " + round);
            for (int i = 0; i < ids.length; i++) ids[i] = (ids[i] + 2 + i) % 10; // the caller's array, refilled
        }
    }

    @Test
    void ropeTablesDifferByThetaAndHeadSize() {
        OpenClBackend cl = OpenClDevice.require();
        int[] positions = {0, 5, 17};
        for (int d : new int[]{4, 8}) {
            for (float theta : new float[]{10000f, 500000f}) {
                float[] x = gaussian(random, positions.length * 2 * d);
                assertArrayEquals(rope(spec, x, positions, theta, d), rope(cl, x, positions, theta, d), 1e-5f,
                        "d " + d + ", theta " + theta);
            }
        }
    }

    @Test
    void arraysBeyondThoseKeptAreUploadedAgain() {
        OpenClBackend cl = OpenClDevice.require();
        float[] table = gaussian(random, 200 * WIDTH);
        for (int pass = 0; pass < 2; pass++) {
            for (int id = 0; id < 200; id++) { // more distinct arrays than are kept: the first ones are evicted
                int[] ids = {id, 199 - id};
                assertArrayEquals(embedding(spec, table, ids), embedding(cl, table, ids), "ids " + id + ", pass " + pass);
            }
        }
    }

    /** Threads evicting each other's arrays while queueing calls (decoding groups run side by side). */
    @Test
    void threadsSharingTheKeptBuffersEachGetTheirOwnRows() throws Exception {
        OpenClBackend cl = OpenClDevice.require();
        float[] table = gaussian(random, 200 * WIDTH);
        float[] expected = embedding(spec, table, IntStream.range(0, 200).toArray());
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                int first = thread;
                runs.add(pool.submit(() -> {
                    for (int round = 0; round < 100; round++) {
                        int[] ids = {(first + 7 * round) % 200, (first * 31 + round) % 200}; // more arrays than are kept
                        float[] got = embedding(cl, table, ids);
                        for (int n = 0; n < ids.length; n++) {
                            assertArrayEquals(Arrays.copyOfRange(expected, ids[n] * WIDTH, (ids[n] + 1) * WIDTH),
                                    Arrays.copyOfRange(got, n * WIDTH, (n + 1) * WIDTH), "ids " + Arrays.toString(ids));
                        }
                    }
                }));
            }
            for (Future<?> run : runs) run.get();
        }
    }

    /** Rows {@code ids} of a table of rows of {@value #WIDTH}. */
    private float[] embedding(Backend b, float[] table, int[] ids) {
        Tensor out = b.allocate(Shape.of(ids.length, WIDTH));
        b.embedding(b.fromHost(table, Shape.of(table.length / WIDTH, WIDTH)), ids, out);
        return host(b, out);
    }

    private float[] rope(Backend b, float[] x, int[] positions, float theta, int d) {
        Shape shape = Shape.of(positions.length, 2, d);
        Tensor out = b.allocate(shape);
        b.rope(b.fromHost(x, shape), positions, theta, out);
        return host(b, out);
    }

    private static float[] host(Backend b, Tensor t) {
        float[] out = new float[t.size()];
        b.toHost(t, out);
        return out;
    }
}
