package dev.pmcj.tensor;

/** Reductions over one axis. */
public enum ReduceOp {
    SUM, MEAN, MAX
}
