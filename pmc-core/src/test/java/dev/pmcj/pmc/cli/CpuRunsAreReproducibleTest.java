package dev.pmcj.pmc.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One seed, one result, end to end on the fast CPU backend: fine-tuning and a PMC epoch (sampling,
 * scoring, training), each run twice in fresh JVMs, write the same weights. Fresh JVMs because the
 * kernels' first calls run interpreted: results that depend on the JIT tier differ exactly there.
 */
class CpuRunsAreReproducibleTest {
    private static final List<String> DATA = List.of("--data", "builtin", "--authors", "10", "--facts", "2",
            "--world-facts", "4", "--real-authors", "2", "--refusal-items", "4");
    private static final List<String> COMMON = List.of("--device", "cpu", "--quiet", "--attack-samples", "1", "--max-length", "40");

    @TempDir
    Path tmp;

    @Test
    void twoRunsWriteTheSameWeights() throws IOException, InterruptedException {
        byte[][] finetuned = new byte[2][], unlearned = new byte[2][];
        for (int run = 0; run < 2; run++) {
            Path ft = tmp.resolve("ft" + run), un = tmp.resolve("pmc" + run);
            pmc("finetune", "--out", ft.toString(), "--vocab", "300", "--layers", "1", "--dim", "32", "--heads", "2",
                    "--context", "96", "--epochs", "2", "--batch", "16");
            pmc("unlearn", "--model", ft.resolve("model").toString(), "--method", "pmc", "--epochs", "1",
                    "--forget-batch", "2", "--out", un.toString());
            finetuned[run] = Files.readAllBytes(ft.resolve("model").resolve("model.safetensors"));
            unlearned[run] = Files.readAllBytes(un.resolve("model").resolve("model.safetensors"));
        }
        assertArrayEquals(finetuned[0], finetuned[1], "fine-tuned weights of two runs");
        assertArrayEquals(unlearned[0], unlearned[1], "weights after a PMC epoch in two runs");
    }

    /** Runs the CLI in a JVM of its own. */
    private static void pmc(String command, String... more) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), command));
        cmd.addAll(DATA);
        cmd.addAll(COMMON);
        cmd.addAll(List.of(more));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "pmc " + command + " did not finish in 3 minutes");
        assertEquals(0, p.exitValue(), "pmc " + command + " failed:\n" + out);
    }
}
