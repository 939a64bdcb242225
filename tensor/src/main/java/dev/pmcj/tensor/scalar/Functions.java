package dev.pmcj.tensor.scalar;

import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.Erf;
import dev.pmcj.tensor.UnaryOp;

/** The element-wise functions and their derivatives, in double precision, as the specification. */
public final class Functions {
    private static final double GELU_C = Math.sqrt(2 / Math.PI);
    private static final double GELU_K = 0.044715;
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private Functions() {
    }

    public static double apply(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case RELU -> x > 0 ? x : 0;
            case SILU -> x * sigmoid(x);
            case SQUARE -> x * x;
            case SQRT -> Math.sqrt(x);
            case RECIPROCAL -> 1 / x;
            case ABS -> Math.abs(x);
            case SOFTPLUS -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(GELU_C * (x + GELU_K * x * x * x)));
            case GELU -> x * Erf.normalCdf(x);
        };
    }

    /** f'(x). Subgradients at kinks: relu'(0) = 0, abs'(0) = 0. */
    public static double derivative(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -1;
            case EXP -> Math.exp(x);
            case LOG -> 1 / x;
            case TANH -> {
                double t = Math.tanh(x);
                yield 1 - t * t;
            }
            case SIGMOID -> {
                double s = sigmoid(x);
                yield s * (1 - s);
            }
            case RELU -> x > 0 ? 1 : 0;
            case SILU -> {
                double s = sigmoid(x);
                yield s * (1 + x * (1 - s));
            }
            case SQUARE -> 2 * x;
            case SQRT -> 0.5 / Math.sqrt(x);
            case RECIPROCAL -> -1 / (x * x);
            case ABS -> Math.signum(x);
            case SOFTPLUS -> sigmoid(x);
            case GELU_TANH -> {
                double t = Math.tanh(GELU_C * (x + GELU_K * x * x * x));
                yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * GELU_K * x * x);
            }
            case GELU -> Erf.normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
        };
    }

    /** 1/(1+e^-x), never forming e^(large). */
    public static double sigmoid(double x) {
        if (x >= 0) return 1 / (1 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1 + e);
    }

    public static double apply(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case SILU_MUL -> apply(UnaryOp.SILU, a) * b;
        };
    }
}
