package dev.pmcj.transformer.model;

import java.util.Arrays;
import java.util.List;

/**
 * A training batch: {@code batch} rows of {@code seqLen} token ids (row-major) and, for each position,
 * the id the model should predict there, or {@code -1} where the position carries no loss (padding,
 * prompt tokens, the last position of a row).
 */
public record Batch(int[] tokens, int[] targets, int batch, int seqLen) {

    /** Marks a position that carries no loss. */
    public static final int MASKED = -1;

    public Batch {
        if (batch <= 0 || seqLen <= 0) {
            throw new IllegalArgumentException("Batch: batch " + batch + " and seqLen " + seqLen + " must be positive");
        }
        int n = Math.multiplyExact(batch, seqLen);
        if (tokens.length != n || targets.length != n) {
            throw new IllegalArgumentException("Batch: " + batch + " x " + seqLen + " needs " + n
                    + " tokens and targets, got " + tokens.length + " and " + targets.length);
        }
        for (int i = 0; i < n; i++) {
            if (targets[i] < MASKED) {
                throw new IllegalArgumentException("Batch: targets[" + i + "] = " + targets[i] + " (use -1 to mask)");
            }
        }
    }

    /** Number of positions that carry a loss. */
    public int unmaskedCount() {
        int count = 0;
        for (int t : targets) if (t != MASKED) count++;
        return count;
    }

    /**
     * Prompt/answer rows for supervised fine-tuning: each row is prompt then answer, truncated to
     * {@code maxLen} and right-padded with {@code padId} to the longest row. Only answer tokens are
     * predicted: position i targets token i+1 when token i+1 belongs to the answer.
     */
    public static Batch of(List<int[]> prompts, List<int[]> answers, int padId, int maxLen) {
        if (prompts.size() != answers.size()) {
            throw new IllegalArgumentException("Batch.of: " + prompts.size() + " prompts but " + answers.size() + " answers");
        }
        int[] promptLengths = new int[prompts.size()];
        int[][] rows = new int[prompts.size()][];
        for (int r = 0; r < rows.length; r++) {
            int[] p = prompts.get(r), a = answers.get(r);
            int[] row = Arrays.copyOf(p, p.length + a.length);
            System.arraycopy(a, 0, row, p.length, a.length);
            rows[r] = row;
            promptLengths[r] = p.length;
        }
        return build(rows, promptLengths, padId, maxLen, "Batch.of");
    }

    /** Plain language-model rows: every position predicts the next token of its row. */
    public static Batch lm(List<int[]> sequences, int padId, int maxLen) {
        int[][] rows = sequences.toArray(new int[0][]);
        return build(rows, new int[rows.length], padId, maxLen, "Batch.lm");
    }

    /** Position i of a row targets token i+1 when i+1 is at least {@code firstTarget[row]}. */
    private static Batch build(int[][] rows, int[] firstTarget, int padId, int maxLen, String what) {
        if (rows.length == 0) throw new IllegalArgumentException(what + ": no rows");
        if (maxLen <= 0) throw new IllegalArgumentException(what + ": maxLen " + maxLen + " must be positive");
        int seqLen = 1;
        for (int[] row : rows) seqLen = Math.max(seqLen, Math.min(row.length, maxLen));
        int[] tokens = new int[rows.length * seqLen];
        int[] targets = new int[rows.length * seqLen];
        Arrays.fill(tokens, padId);
        Arrays.fill(targets, MASKED);
        for (int r = 0; r < rows.length; r++) {
            int len = Math.min(rows[r].length, maxLen), base = r * seqLen;
            System.arraycopy(rows[r], 0, tokens, base, len);
            for (int i = Math.max(0, firstTarget[r] - 1); i + 1 < len; i++) targets[base + i] = rows[r][i + 1];
        }
        return new Batch(tokens, targets, rows.length, seqLen);
    }
}
