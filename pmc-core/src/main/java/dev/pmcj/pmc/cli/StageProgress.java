package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.unlearn.Unlearner;

/**
 * Feeds the pipeline's (done, total, message) reports into one {@link Progress} bar per stage (rate and
 * ETA); a new stage starts when the total changes or the count goes back. When standard error is not a
 * terminal (a log file) the bar is silent, so a plain line is printed every tenth of a stage instead.
 */
public final class StageProgress implements Unlearner.ProgressSink, AutoCloseable {
    private final boolean quiet;
    private final boolean terminal = System.console() != null && System.console().isTerminal();
    private Progress bar;
    private long total = -1, last;
    private long stageStart;

    public StageProgress(boolean quiet) {
        this.quiet = quiet;
    }

    @Override
    public void advance(long done, long total, String message) {
        if (bar == null || total != this.total || done < last) {
            close();
            String task = message.split(" ", 2)[0];
            bar = Progress.start(task, total, quiet);
            this.total = total;
            last = 0;
            stageStart = System.nanoTime();
        }
        bar.stepBy(done - last);
        bar.message(message);
        if (!quiet && !terminal && (done == total || done * 10 / total != last * 10 / total)) {
            double secs = (System.nanoTime() - stageStart) / 1e9;
            System.err.printf("  [%d/%d] %s (%.0f s, ETA %.0f s)%n", done, total, message, secs, secs / done * (total - done));
        }
        last = done;
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
        bar = null;
    }
}
