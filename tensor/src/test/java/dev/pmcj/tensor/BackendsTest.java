package dev.pmcj.tensor;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsTest {

    @Test
    void namesSelectBackends() {
        assertSame(Backends.scalar(), Backends.select("scalar"));
        assertSame(Backends.cpu(), Backends.select(" CPU "));
        assertEquals("scalar", Backends.scalar().name());
    }

    @Test
    void openclFallsBackToCpuWithOneLine() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertSame(Backends.cpu(), Backends.select("opencl"));
            assertSame(Backends.cpu(), Backends.select("opencl:1"));
        } finally {
            System.setErr(old);
        }
        assertEquals("no OpenCL device: using the CPU backend\n".repeat(2), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unknownNamesAreRejected() {
        for (String bad : new String[]{"gpu", "opencl:", "opencl:x", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.select(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
