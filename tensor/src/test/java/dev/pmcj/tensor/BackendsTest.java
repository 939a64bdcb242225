package dev.pmcj.tensor;

import dev.pmcj.tensor.opencl.OpenClBackend;
import dev.pmcj.tensor.opencl.OpenClUnavailableException;
import dev.pmcj.testsupport.OpenClDevice;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

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

    /** Without a device (an opener that finds none), opencl falls back to the CPU with one line each. */
    @Test
    void openclFallsBackToCpuWithOneLine() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        IntFunction<Backend> none = i -> {
            throw new OpenClUnavailableException("no OpenCL device on 0 platform(s)", null);
        };
        try {
            assertSame(Backends.cpu(), Backends.select("opencl", none));
            assertSame(Backends.cpu(), Backends.select("opencl:1", none));
        } finally {
            System.setErr(old);
        }
        assertEquals("no OpenCL device: using the CPU backend\n".repeat(2), err.toString(StandardCharsets.UTF_8));
    }

    /** With a device: opencl is device 0, one instance per device; an index past the devices is an error. */
    @Test
    void openclSelectsTheDevice() {
        OpenClBackend device = OpenClDevice.require();
        assertSame(device, Backends.select("opencl"));
        assertSame(device, Backends.select("OpenCL:0"));
        int count = OpenClBackend.deviceNames().size();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.select("opencl:" + count));
        assertTrue(e.getMessage().contains(device.deviceName()), e.getMessage());
    }

    @Test
    void unknownNamesAreRejected() {
        for (String bad : new String[]{"gpu", "opencl:", "opencl:x", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.select(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
