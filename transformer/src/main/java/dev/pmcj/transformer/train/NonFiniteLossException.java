package dev.pmcj.transformer.train;

/** Training diverged: a loss or gradient norm became NaN or infinite. */
public final class NonFiniteLossException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    public NonFiniteLossException(String message) {
        super(message);
    }
}
