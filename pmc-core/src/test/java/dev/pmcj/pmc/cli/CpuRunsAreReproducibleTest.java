package dev.pmcj.pmc.cli;

import dev.pmcj.testsupport.FreshJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(DATA);
        args.addAll(COMMON);
        args.addAll(List.of(more));
        FreshJvm.run("pmc " + command, 180, List.of(), Main.class, args.toArray(String[]::new));
    }
}
