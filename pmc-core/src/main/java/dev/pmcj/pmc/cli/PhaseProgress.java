package dev.pmcj.pmc.cli;

import dev.pmcj.pmc.unlearn.Unlearner;

/**
 * Turns a pipeline's progress reports into one bar per phase (a phase ends when its total is reached or
 * a new total starts). Off a terminal, where bars are silent, it logs every tenth of a phase with its
 * rate and ETA instead, so a log file still shows how far a long run is.
 */
public final class PhaseProgress implements Unlearner.ProgressSink, AutoCloseable {
    private final boolean quiet;
    private final boolean terminal = System.console() != null && System.console().isTerminal();
    private Progress bar = Progress.silent();
    private long total = -1, done, started;

    public PhaseProgress(boolean quiet) {
        this.quiet = quiet;
    }

    @Override
    public void advance(long nowDone, long nowTotal, String message) {
        if (nowTotal != total || nowDone < done) {
            bar.close();
            String phase = message.contains(" epoch") ? message.substring(0, message.indexOf(" epoch")) : message;
            bar = Progress.start(phase, nowTotal, quiet);
            total = nowTotal;
            done = 0;
            started = System.nanoTime();
        }
        bar.stepBy(nowDone - done);
        bar.message(message);
        if (!terminal && !quiet && tenth(done, total) != tenth(nowDone, total)) {
            double seconds = (System.nanoTime() - started) / 1e9, rate = nowDone / Math.max(seconds, 1e-9);
            System.err.printf("  %s: %d/%d (%.1f/s, ETA %.0f s)%n", message, nowDone, total, rate, (total - nowDone) / rate);
        }
        done = nowDone;
    }

    private static long tenth(long done, long total) {
        return done * 10 / Math.max(1, total);
    }

    @Override
    public void close() {
        bar.close();
    }
}
