package dev.pmcj.theory.report;

import java.io.IOException;

/** Runs one theory experiment: writes its CSV and SVG files and summary.txt under {@code out}, returns the summary. */
public final class TheoryRunner {
    private TheoryRunner() {}

    public static Summary run(TheoryOptions options) throws IOException {
        Summary summary = switch (options.mode()) {
            case TOTAL, PARTIAL -> CollapseReport.run(options);
            case CURATED -> CuratedReport.run(options);
            case PMC -> PmcReport.run(options);
        };
        AtomicFiles.write(options.out().resolve("summary.txt"), summary.toString());
        return summary;
    }
}
