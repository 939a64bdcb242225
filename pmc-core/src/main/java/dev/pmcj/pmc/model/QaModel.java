package dev.pmcj.pmc.model;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.transformer.inference.InferenceSession;
import dev.pmcj.transformer.inference.SamplingConfig;
import dev.pmcj.transformer.model.Batch;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A decoder plus its tokenizer, speaking questions and answers in {@link PromptFormat}: the one place
 * where text becomes token ids and back. Everything above it (unlearning methods, evaluation) works in
 * strings and losses.
 */
public final class QaModel {
    private final Decoder decoder;
    private final Tokenizer tokenizer;
    private final int eos;
    private final int maxLength;
    /** Streams decoded together; bounded so the KV cache stays small. */
    private static final int MAX_STREAMS = 64;
    /**
     * {@link #answerNll}'s batches, call after call: the unlearning probes call it each epoch, and a
     * tape of its own each call allocated the first batch afresh (4 GB in one demo).
     */
    private final Tape nllTape;

    public QaModel(Decoder decoder, Tokenizer tokenizer) {
        this.decoder = decoder;
        this.nllTape = Tape.reusing(decoder.parameters().backend());
        this.tokenizer = tokenizer;
        this.eos = tokenizer.eosId().orElseThrow(() -> new IllegalArgumentException("the tokenizer has no EOS token"));
        this.maxLength = decoder.config().context();
    }

    public Decoder decoder() {
        return decoder;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public int maxLength() {
        return maxLength;
    }

    public int[] promptIds(String question) {
        return promptIds(question, "");
    }

    /** The prompt, optionally with the start of the answer already written (the prefill attack). */
    public int[] promptIds(String question, String answerPrefix) {
        String text = PromptFormat.prompt(question) + (answerPrefix.isEmpty() ? "" : PromptFormat.answer(answerPrefix));
        int[] ids = tokenizer.encode(text);
        if (tokenizer.bosId().isEmpty()) return ids;
        int[] out = new int[ids.length + 1];
        out[0] = tokenizer.bosId().getAsInt();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    public int[] answerIds(String answer) {
        int[] ids = tokenizer.encode(PromptFormat.answer(answer));
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = eos;
        return out;
    }

    /** A question and its answer as token ids, ready to batch. */
    public record Encoded(int[] prompt, int[] answer) {
        public int length() {
            return prompt.length + answer.length;
        }
    }

    public Encoded encode(String question, String answer) {
        return new Encoded(promptIds(question), answerIds(answer));
    }

    /** Prompt + answer rows with loss only on the answer tokens (and EOS). */
    public Batch batch(List<String> questions, List<String> answers) {
        if (questions.size() != answers.size()) {
            throw new IllegalArgumentException("batch: " + questions.size() + " questions but " + answers.size() + " answers");
        }
        List<Encoded> rows = new ArrayList<>(questions.size());
        for (int i = 0; i < questions.size(); i++) rows.add(encode(questions.get(i), answers.get(i)));
        return batch(rows);
    }

    public Batch batch(List<Encoded> rows) {
        return Batch.of(rows.stream().map(Encoded::prompt).toList(), rows.stream().map(Encoded::answer).toList(), eos, maxLength);
    }

    /** Mean token cross-entropy of the answers given the questions, on the tape. */
    public Var meanLoss(Tape tape, List<String> questions, List<String> answers, float labelSmoothing) {
        return decoder.meanLoss(tape, batch(questions, answers), labelSmoothing);
    }

    /** Per-token losses {@code [rows * seqLen]} (0 on masked positions), for sequence-level objectives. */
    public Var tokenLosses(Tape tape, Batch batch) {
        return decoder.tokenLosses(tape, batch, 0f);
    }

    /** Per-answer summed NLL and answer-token counts, without a graph (teacher forcing, batches of 32). */
    public AnswerNll answerNll(List<String> questions, List<String> answers) {
        int n = questions.size();
        double[] nll = new double[n];
        int[] tokens = new int[n];
        for (int start = 0; start < n; start += 32) {
            int end = Math.min(n, start + 32);
            Batch b = batch(questions.subList(start, end), answers.subList(start, end));
            float[] losses;
            try (var _ = nllTape.noGrad()) {
                losses = decoder.tokenLosses(nllTape, b, 0f).value().toHost();
            }
            nllTape.reset();
            int[] targets = b.targets();
            for (int i = 0; i < losses.length; i++) {
                if (targets[i] == Batch.MASKED) continue;
                int row = start + i / b.seqLen();
                nll[row] += losses[i];
                tokens[row]++;
            }
        }
        return new AnswerNll(nll, tokens);
    }

    /** Summed negative log-likelihood of each answer and its token count (EOS included). */
    public record AnswerNll(double[] nll, int[] tokens) {
        /** exp(-mean token NLL): TOFU's length-normalised answer probability. */
        public double normalisedProbability(int i) {
            return Math.exp(-nll[i] / Math.max(1, tokens[i]));
        }
    }

    /** Answers to every question, one stream per question, decoded to text. */
    public List<String> generate(List<String> questions, SamplingConfig cfg) {
        return generate(questions, "", cfg);
    }

    /** Continuations of each question's prompt after {@code answerPrefix} (empty: a normal answer). */
    public List<String> generate(List<String> questions, String answerPrefix, SamplingConfig cfg) {
        List<int[]> prompts = new ArrayList<>(questions.size());
        for (String q : questions) prompts.add(promptIds(q, answerPrefix));
        List<int[]> out;
        try (InferenceSession session = new InferenceSession(decoder, Math.min(MAX_STREAMS, Math.max(1, prompts.size())), maxLength)) {
            out = session.generate(prompts, cfg);
        }
        List<String> texts = new ArrayList<>(out.size());
        for (int[] ids : out) texts.add(tokenizer.decode(ids).strip());
        return texts;
    }

    /** Greedy answers, capped at {@code maxTotalLength} tokens including the prompt. */
    public List<String> greedy(List<String> questions, int maxTotalLength) {
        return generate(questions, new SamplingConfig(0f, 1f, 0, 0L, maxTotalLength, maxTotalLength, eos));
    }

    /** {@code n} sampled answers per question, in question order. */
    public List<List<String>> sample(List<String> questions, int n, float temperature, float topP, long seed, int maxTotalLength) {
        List<String> repeated = new ArrayList<>(questions.size() * n);
        for (String q : questions) for (int k = 0; k < n; k++) repeated.add(q);
        List<String> flat = generate(repeated, new SamplingConfig(temperature, topP, 0, seed, maxTotalLength, maxTotalLength, eos));
        List<List<String>> grouped = new ArrayList<>(questions.size());
        for (int i = 0; i < questions.size(); i++) grouped.add(List.copyOf(flat.subList(i * n, (i + 1) * n)));
        return grouped;
    }
}
