package dev.pmcj.pmc.eval;

import dev.pmcj.autograd.Tape;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.model.PromptFormat;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.transformer.model.Batch;
import dev.pmcj.transformer.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * Over-unlearning (pmc.md section 5): how unlearning moved a model's probability of the forget set's
 * tokens in unrelated text, wikitext-2. The rule, exactly:
 * <ul>
 * <li>Text: the file's non-blank rows in order (UTF-8); each row is encoded on its own as {@code row + "\n"}
 *     by the model's tokenizer (no BOS or EOS added) and the ids are concatenated.</li>
 * <li>Chunks: that id stream cut into consecutive, non-overlapping chunks of exactly the model's context
 *     length ({@link QaModel#maxLength()}) tokens; the first {@value #CHUNKS} of them (fewer when the text
 *     ends first; a trailing partial chunk is dropped).</li>
 * <li>Forget tokens: the distinct ids of the forget answers as the unlearning losses see them
 *     ({@code " " + answer} encoded, see {@link PromptFormat#answer}; the EOS is not part of any text).
 *     The questions are left out: no method puts loss on them, and their tokens are mostly the question
 *     templates shared with the retain set.</li>
 * <li>Scored positions: in each chunk, every position i &ge; 1 whose token is a forget token, scored as
 *     p(token_i | tokens 0..i-1 of the chunk); the first token of a chunk has no context and is not scored.</li>
 * </ul>
 * The base (fine-tuned) model's probabilities are computed once; {@link #shifts} gives p_model - p_base
 * per scored position, in text order. Probabilities come from the decoder's batched token losses without a
 * graph, p = exp(-loss), several chunks per forward.
 */
public final class OverUnlearning {
    public static final int CHUNKS = 100;
    /** Logits held per forward (rows x context x vocab floats), 64 MiB: bounds the rows batched together. */
    private static final long LOGITS_PER_FORWARD = 1L << 24;

    private final int vocab;
    private final int chunkLength;
    private final List<Batch> batches;
    private final double[] base;

    private OverUnlearning(QaModel baseModel, int[][] chunks, BitSet forgetTokens) {
        this.vocab = baseModel.tokenizer().vocabSize();
        this.chunkLength = baseModel.maxLength();
        int rows = Math.clamp(LOGITS_PER_FORWARD / ((long) chunkLength * baseModel.decoder().config().vocab()), 1, chunks.length);
        this.batches = new ArrayList<>();
        for (int start = 0; start < chunks.length; start += rows) {
            batches.add(batch(Arrays.copyOfRange(chunks, start, Math.min(chunks.length, start + rows)), forgetTokens));
        }
        this.base = probabilities(baseModel);
    }

    /**
     * Measures {@code base} on the first {@value #CHUNKS} chunks of {@code rows}.
     *
     * @throws IllegalArgumentException if the text does not fill one chunk
     */
    public static OverUnlearning measure(QaModel base, List<String> rows, List<QaItem> forget) {
        int[][] chunks = chunks(base.tokenizer(), rows, base.maxLength(), CHUNKS);
        if (chunks.length == 0) {
            throw new IllegalArgumentException("the text is shorter than one chunk of " + base.maxLength() + " tokens (the model's context)");
        }
        return new OverUnlearning(base, chunks, forgetTokens(base.tokenizer(), forget));
    }

    /** {@link #measure} on the rows of {@code file}; a text too short is reported with the file's name. */
    public static OverUnlearning load(Path file, QaModel base, List<QaItem> forget) throws IOException {
        List<String> rows = readRows(file);
        try {
            return measure(base, rows, forget);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** {@link #load} of {@code settings.wikitext()}; empty when no text is given. */
    public static Optional<OverUnlearning> ifAsked(EvalSettings settings, QaModel base, List<QaItem> forget) throws IOException {
        return settings.wikitext() == null ? Optional.empty() : Optional.of(load(settings.wikitext(), base, forget));
    }

    /** The non-blank rows of a UTF-8 text file, in order. */
    public static List<String> readRows(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
        return lines.stream().filter(l -> !l.isBlank()).toList();
    }

    /** The first {@code count} full chunks of {@code length} ids of the rows' token stream (see the class comment). */
    public static int[][] chunks(Tokenizer tokenizer, List<String> rows, int length, int count) {
        if (length < 2 || count < 0) throw new IllegalArgumentException("chunks of " + length + " tokens (at least 2), " + count + " of them");
        int want = Math.multiplyExact(length, count);
        int[] stream = new int[want];
        int filled = 0;
        for (int r = 0; r < rows.size() && filled < want; r++) {
            int[] ids = tokenizer.encode(rows.get(r) + "\n");
            int n = Math.min(ids.length, want - filled);
            System.arraycopy(ids, 0, stream, filled, n);
            filled += n;
        }
        int[][] chunks = new int[filled / length][];
        for (int c = 0; c < chunks.length; c++) chunks[c] = Arrays.copyOfRange(stream, c * length, (c + 1) * length);
        return chunks;
    }

    /** The ids occurring in the forget answers (see the class comment). */
    public static BitSet forgetTokens(Tokenizer tokenizer, List<QaItem> forget) {
        BitSet ids = new BitSet(tokenizer.vocabSize());
        for (QaItem q : forget) for (int id : tokenizer.encode(PromptFormat.answer(q.answer()))) ids.set(id);
        return ids;
    }

    /** Rows of whole chunks; position i targets token i+1 where that token is a forget token. */
    private static Batch batch(int[][] chunks, BitSet forgetTokens) {
        int len = chunks[0].length;
        int[] tokens = new int[chunks.length * len];
        int[] targets = new int[tokens.length];
        Arrays.fill(targets, Batch.MASKED);
        for (int r = 0; r < chunks.length; r++) {
            System.arraycopy(chunks[r], 0, tokens, r * len, len);
            for (int i = 0; i + 1 < len; i++) if (forgetTokens.get(chunks[r][i + 1])) targets[r * len + i] = chunks[r][i + 1];
        }
        return new Batch(tokens, targets, chunks.length, len);
    }

    /** p(target | context) of every scored position, in text order. */
    private double[] probabilities(QaModel model) {
        if (model.tokenizer().vocabSize() != vocab || model.maxLength() < chunkLength) {
            throw new IllegalArgumentException("over-unlearning: the model (vocabulary " + model.tokenizer().vocabSize() + ", context "
                    + model.maxLength() + ") does not match the base model (vocabulary " + vocab + ", context " + chunkLength + ")");
        }
        Tape tape = new Tape(model.decoder().parameters().backend());
        double[] p = new double[positions()];
        int k = 0;
        for (Batch b : batches) {
            float[] losses;
            try (var _ = tape.noGrad()) {
                losses = model.tokenLosses(tape, b).value().toHost();
            }
            int[] targets = b.targets();
            for (int i = 0; i < losses.length; i++) if (targets[i] != Batch.MASKED) p[k++] = Math.exp(-losses[i]);
        }
        return p;
    }

    /** Scored positions over all chunks. */
    public int positions() {
        int n = 0;
        for (Batch b : batches) n += b.unmaskedCount();
        return n;
    }

    public int chunkCount() {
        int n = 0;
        for (Batch b : batches) n += b.batch();
        return n;
    }

    public int chunkLength() {
        return chunkLength;
    }

    /** One line for the log. */
    public String describe() {
        return "wikitext: " + chunkCount() + " chunks of " + chunkLength + " tokens, " + positions() + " forget-token positions";
    }

    /** The token of every scored position, in text order. */
    int[] scoredTokens() {
        int[] out = new int[positions()];
        int k = 0;
        for (Batch b : batches) for (int t : b.targets()) if (t != Batch.MASKED) out[k++] = t;
        return out;
    }

    /** The base model's p(token | context) of every scored position, in text order. */
    double[] baseProbabilities() {
        return base.clone();
    }

    /** p_model(token | context) - p_base(token | context) of every scored position, in text order. */
    public double[] shifts(QaModel model) {
        double[] p = probabilities(model);
        for (int i = 0; i < p.length; i++) p[i] -= base[i];
        return p;
    }

    /** {@code e} with the summary of {@code model}'s shifts (the model {@code e} evaluates). */
    public ModelEvaluation addTo(ModelEvaluation e, QaModel model) {
        return e.withWikitextShift(ShiftSummary.of(shifts(model)));
    }
}
