package dev.pmcj.testsupport;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared/data} (beside the repository). When it is absent, tests that need it are
 * skipped with a visible message, except under {@code CI=true}, where absence is a failure.
 */
public final class SharedData {
    private SharedData() {
    }

    public static Path root() {
        String repo = System.getenv("PMCJ_REPO_ROOT");
        Path base = repo != null ? Path.of(repo) : Path.of("").toAbsolutePath();
        // Surefire runs in the module folder; the repository root is its parent.
        for (Path p = base; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".ci/run")) || Files.exists(p.resolve("run-tests"))) {
                return p.resolveSibling("shared").resolve("data");
            }
        }
        return base.resolveSibling("shared").resolve("data");
    }

    /** The file or folder {@code relative} under the shared data, or a skip/failure when absent. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            String msg = "shared data missing: " + p + " (tests that need ../shared/data are skipped)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail(msg + "; CI=true requires it");
            System.err.println("SKIPPED: " + msg);
            Assumptions.abort(msg);
        }
        return p;
    }
}
