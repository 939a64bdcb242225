package dev.pmcj.tensor;

/** Element-wise functions of two arguments, with numpy-style broadcasting. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN,
    /** 1 where equal, else 0 (no gradient; used for masks such as max's backward). */
    EQ,
    /** {@code silu(a) * b}: SwiGLU's gate and up in one pass (no gradient; decoding's MLP). */
    SILU_MUL
}
