package dev.pmcj.pmc.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar with rate and ETA on standard error for long jobs; silent when standard error is
 * not a terminal (logs, CI, tests) or when the user asked for quiet. Steps are counted either way.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private long done;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar for {@code total} steps of {@code task}; silent if {@code quiet} or not on a terminal. */
    public static Progress start(String task, long total, boolean quiet) {
        boolean terminal = System.console() != null && System.console().isTerminal();
        return quiet || !terminal ? silent() : to(task, total, new ConsoleProgressBarConsumer(System.err));
    }

    public static Progress silent() {
        return new Progress(null);
    }

    /** A bar rendered to {@code consumer} (tests and custom sinks). */
    static Progress to(String task, long total, ProgressBarConsumer consumer) {
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).showSpeed()
                .setConsumer(consumer).build());
    }

    public void step() {
        stepBy(1);
    }

    public void stepBy(long n) {
        done += n;
        if (bar != null) bar.stepBy(n);
    }

    /** A short status shown after the bar, e.g. the current loss. */
    public void message(String text) {
        if (bar != null) bar.setExtraMessage(text);
    }

    public long done() {
        return done;
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
