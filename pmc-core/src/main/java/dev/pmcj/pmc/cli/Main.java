package dev.pmcj.pmc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/** The {@code pmc} command line: one subcommand per job. */
@Command(name = "pmc", mixinStandardHelpOptions = true, version = "PMC-J 0.1.0",
        description = "Machine unlearning by Partial Model Collapse, in pure Java.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, FinetuneCommand.class, UnlearnCommand.class,
                EvalCommand.class, TofuCommand.class, GenerateCommand.class, RougeCommand.class, TheoryCommand.class})
public final class Main implements Runnable {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces for errors.")
    boolean debug;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit status (tests call this). */
    public static int run(String... args) {
        Main main = new Main();
        CommandLine cli = new CommandLine(main);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean debug = main.debug;
            if (debug) ex.printStackTrace(System.err);
            cmd.getErr().println("pmc: error: " + describe(ex));
            return isUserError(ex) ? 2 : 1;
        });
        return cli.execute(args);
    }

    private static boolean isUserError(Throwable ex) {
        return ex instanceof UserError || ex instanceof IllegalArgumentException
                || ex instanceof IOException || ex instanceof UncheckedIOException;
    }

    private static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException u && u.getCause() != null) ex = u.getCause();
        if (ex instanceof NoSuchFileException n) return "no such file: " + n.getFile();
        String msg = ex.getMessage();
        return msg == null || msg.isBlank() ? ex.getClass().getSimpleName() : msg;
    }
}
