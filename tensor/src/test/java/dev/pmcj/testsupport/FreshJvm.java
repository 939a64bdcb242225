package dev.pmcj.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs a main class in a JVM of its own, on this test JVM's class path with the Vector API module:
 * where kernels start cold (interpreted), or where the JVM is told another core count. Fails the test
 * if it does not finish in time or exits with an error (its output in the message).
 */
public final class FreshJvm {
    private FreshJvm() {
    }

    /**
     * The standard output of {@code main} run with {@code jvmFlags} and {@code args}; {@code what}
     * names the run in failure messages.
     */
    public static String run(String what, int timeoutSeconds, List<String> jvmFlags, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Path errors = Files.createTempFile("fresh-jvm", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(errors.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), what + " did not finish in " + timeoutSeconds + " s");
            assertEquals(0, p.exitValue(), what + " failed:\n" + out + Files.readString(errors));
            return out;
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
