package dev.pmcj.pmc.cli;

/**
 * A problem the user can fix (a bad file, flag or value). The CLI prints its message on one line
 * and exits with status 2; the stack trace appears only with {@code --debug}.
 */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
