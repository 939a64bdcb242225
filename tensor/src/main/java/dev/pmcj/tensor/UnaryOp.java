package dev.pmcj.tensor;

/** Element-wise functions of one argument; each has a derivative the backends implement. */
public enum UnaryOp {
    NEG, EXP, LOG, TANH, SIGMOID, RELU, SILU, SQUARE, SQRT, RECIPROCAL, ABS,
    /** log(1 + e^x), computed stably (NPO's log-sigmoid is -softplus(-x)). */
    SOFTPLUS,
    /** GELU with the tanh approximation (GPT-2). */
    GELU_TANH,
    /** GELU with the exact error function. */
    GELU
}
