package dev.pmcj.transformer.checkpoint;

import dev.pmcj.tensor.Shape;

/** How a file stores a parameter relative to the model's layout ({@link dev.pmcj.transformer.model.ParameterLayout}). */
sealed interface Transform {

    /** Same shape, same order. */
    record Identity() implements Transform {
    }

    /** Rows of a {@code [out, in]} q/k weight in Hugging Face's half-split rotary order. */
    record HalfSplitRows(int headDim) implements Transform {
    }

    /** GPT-2's Conv1D: the model's {@code [out, in]} stored as {@code [in, out]}. */
    record Transposed() implements Transform {
    }

    Identity IDENTITY = new Identity();
    Transposed TRANSPOSED = new Transposed();

    default Shape storedShape(Shape model) {
        return this instanceof Transposed ? Shape.of(model.dim(1), model.dim(0)) : model;
    }

    /** The stored order of {@code model} (values in the model's layout, of shape {@code shape}). */
    default float[] toStored(float[] model, Shape shape) {
        return switch (this) {
            case Identity id -> model;
            case HalfSplitRows(int headDim) -> {
                int rows = shape.dim(0), cols = shape.dim(1);
                float[] out = new float[model.length];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(model, r * cols, out, RotaryOrder.halfSplitRow(r, headDim) * cols, cols);
                }
                yield out;
            }
            case Transposed t -> {
                int rows = shape.dim(0), cols = shape.dim(1);
                float[] out = new float[model.length];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) out[c * rows + r] = model[r * cols + c];
                }
                yield out;
            }
        };
    }
}
