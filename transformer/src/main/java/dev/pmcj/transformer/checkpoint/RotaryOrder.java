package dev.pmcj.transformer.checkpoint;

/**
 * The two row orders of rotary q/k weights. Meta and llama2.c keep each head's rotated pairs
 * interleaved ({@code x0 y0 x1 y1 ...}); Hugging Face's {@code convert_llama_weights_to_hf.py} splits them
 * into halves ({@code x0 x1 ... y0 y1 ...}) with
 * {@code w.view(heads, headDim/2, 2, in).transpose(1, 2).reshape(out, in)}. Both maps act within a head,
 * so they depend on the head size only (q and k share it even with grouped KV heads).
 */
public final class RotaryOrder {
    private RotaryOrder() {
    }

    /** The Hugging Face row that holds interleaved row {@code row}: the permutation HF applies on export. */
    public static int halfSplitRow(int row, int headDim) {
        int head = row / headDim, r = row % headDim, half = headDim / 2;
        return head * headDim + (r % 2) * half + r / 2;
    }

    /** The interleaved row that holds Hugging Face row {@code row}: the inverse of {@link #halfSplitRow}. */
    public static int interleavedRow(int row, int headDim) {
        int head = row / headDim, r = row % headDim, half = headDim / 2;
        return head * headDim + 2 * (r % half) + r / half;
    }
}
