package dev.pmcj.tensor.vector;

import dev.pmcj.testsupport.FreshJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The products that cut C's rows among the threads give the same bits on one core, on two, and on
 * more cores than this machine has, where several threads share one packed copy of B ({@link
 * Gemm#THREADS_PER_COPY}) and wait for each other's packing: {@link ThreadCountProbe} in JVMs told
 * 1, 2, 5 and 9 processors (5: two copies of B for five parts; 9: three copies of three parts).
 */
class ThreadCountDeterminismTest {
    @Test
    void sharedPackedGivesTheSameBitsOnAnyCoreCount() throws IOException, InterruptedException {
        String one = probe(1);
        assertTrue(one.lines().count() == 5, "the probe printed:\n" + one);
        for (int cores : new int[]{2, 5, 9}) assertEquals(one, probe(cores), "results on " + cores + " cores against one");
    }

    private static String probe(int cores) throws IOException, InterruptedException {
        return FreshJvm.run("the probe on " + cores + " cores", 120, List.of("-XX:ActiveProcessorCount=" + cores), ThreadCountProbe.class);
    }
}
