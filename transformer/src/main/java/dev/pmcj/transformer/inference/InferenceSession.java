package dev.pmcj.transformer.inference;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Tensor;
import dev.pmcj.tensor.vector.Parallel;
import dev.pmcj.transformer.model.Decoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Generation with a KV cache and no tape. Prompts are processed as a batch of up to
 * {@code maxStreams} streams: each prompt is prefilled into its own cache slot, then every unfinished
 * stream advances one token per step as one {@code [streams, 1]} forward, each at its own position.
 * Finished streams hand their slot to the last active one, so the batch stays dense. On a backend
 * that takes calls from several threads at once ({@link Backend#concurrency}), a large batch
 * steps as that many groups of streams side by side, each through a decoder of its own, sampling
 * included, and each group takes its steps on its own thread until a stream of some group
 * finishes: the groups meet only then (to share the remaining streams out again), not after every
 * step, where the faster waited for the slower. Buffers are allocated once, here; each step moves
 * only the sampled rows' logits to the host.
 */
public final class InferenceSession implements AutoCloseable {
    /** Below this many streams a step's sampling stays on the calling thread. */
    private static final int PARALLEL_SAMPLING_MIN = 4;
    /** At least this many streams in each group of a step that runs as groups side by side. */
    private static final int GROUP_MIN_STREAMS = 8;
    private final Decoder model;
    private final int maxStreams, maxLength;
    private final KvCache cache;
    /** {@code groups[0]} runs prefills and ungrouped steps; the others exist where steps run as groups. */
    private final CachedDecoder[] groups;
    private final Backend backend;
    /** Host copies of a step's (or a prefill's) logits, one row per slot, and the tokens sampled from them. */
    private final float[][] rows;
    private final int[] picks;
    /** Prefills run so far (a test hook: repeated prompts copy theirs). */
    int prefills;
    private boolean closed;

    public InferenceSession(Decoder model, int maxStreams, int maxLength) {
        this(model, maxStreams, maxLength, model.parameters().backend().concurrency());
    }

    /** A session whose steps run as at most {@code concurrency} groups (tests ask for more groups than cores). */
    InferenceSession(Decoder model, int maxStreams, int maxLength, int concurrency) {
        if (maxStreams <= 0) throw new IllegalArgumentException("InferenceSession: maxStreams " + maxStreams + " must be positive");
        if (maxLength <= 0 || maxLength > model.config().context()) {
            throw new IllegalArgumentException("InferenceSession: maxLength " + maxLength + " must lie in [1, context "
                    + model.config().context() + "]");
        }
        this.model = model;
        this.maxStreams = maxStreams;
        this.maxLength = maxLength;
        this.backend = model.parameters().backend();
        this.cache = new KvCache(backend, model.config(), maxStreams, maxLength);
        this.groups = new CachedDecoder[Math.max(1, Math.min(concurrency, maxStreams / GROUP_MIN_STREAMS))];
        groups[0] = new CachedDecoder(model, Math.max(maxStreams, maxLength), maxStreams);
        int perGroup = largestGroup(maxStreams);
        for (int g = 1; g < groups.length; g++) groups[g] = new CachedDecoder(groups[0], perGroup, perGroup);
        this.rows = new float[maxStreams][model.config().vocab()];
        this.picks = new int[maxStreams];
    }

    public Decoder model() {
        return model;
    }

    /** The logits after the whole prompt (a test hook: one prefill, host copy). */
    public float[] nextTokenLogits(int[] prompt) {
        ensureOpen();
        validate(prompt, 0);
        return prefill(0, prompt).clone();
    }

    /**
     * Generated ids for each prompt (the prompt itself excluded), in prompt order. A stream stops
     * at EOS (not returned), after {@code maxNewTokens}, or when prompt plus generated tokens reach
     * {@code cfg.maxTotalLength()} or this session's {@code maxLength}.
     */
    public List<int[]> generate(List<int[]> prompts, SamplingConfig cfg) {
        ensureOpen();
        for (int i = 0; i < prompts.size(); i++) validate(prompts.get(i), i);
        List<int[]> out = new ArrayList<>(prompts.size());
        for (int from = 0; from < prompts.size(); from += maxStreams) {
            out.addAll(generateChunk(prompts.subList(from, Math.min(prompts.size(), from + maxStreams)), from, cfg));
        }
        return out;
    }

    /** One stream's progress: its generated ids so far and its length including the prompt. */
    private static final class Stream {
        final int[] generated;
        final SplittableRandom rng;
        int count, length;

        Stream(int capacity, SplittableRandom rng, int length) {
            this.generated = new int[capacity];
            this.rng = rng;
            this.length = length;
        }
    }

    private List<int[]> generateChunk(List<int[]> prompts, int firstIndex, SamplingConfig cfg) {
        int limit = Math.min(cfg.maxTotalLength(), maxLength);
        Stream[] bySlot = new Stream[prompts.size()];
        List<Stream> streams = new ArrayList<>();
        int active = 0, lastSlot = -1; // where the latest prefill's cache rows and logits are, of lastPrompt
        int[] lastPrompt = null;
        for (int i = 0; i < prompts.size(); i++) {
            int[] prompt = prompts.get(i);
            int budget = Math.max(0, Math.min(cfg.maxNewTokens(), limit - prompt.length));
            Stream s = new Stream(budget, rngFor(cfg.seed(), firstIndex + i), prompt.length);
            streams.add(s);
            if (budget == 0) continue;
            float[] logits = Arrays.equals(prompt, lastPrompt) ? copyPrefill(lastSlot, active, prompt.length) : prefill(active, prompt);
            lastSlot = active;
            lastPrompt = prompt;
            if (accept(s, Sampler.sample(logits, cfg, s.rng), cfg)) bySlot[active++] = s;
        }
        int[] tokens = new int[maxStreams], positions = new int[maxStreams], left = new int[groups.length];
        boolean[] done = new boolean[maxStreams];
        while (active > 0) {
            int count = groupCount(active), all = active;
            AtomicBoolean meet = new AtomicBoolean();
            Parallel.forEach(count, count > 1, g -> {
                try {
                    left[g] = run(groups[g], g * all / count, (g + 1) * all / count, tokens, positions, done, bySlot, cfg, meet);
                } finally {
                    meet.set(true); // a group that stops for any reason (a finished stream, a failure) stops the others
                }
            });
            active = gather(bySlot, left, count, all);
        }
        List<int[]> out = new ArrayList<>(streams.size());
        for (Stream s : streams) out.add(Arrays.copyOf(s.generated, s.count));
        return out;
    }

    /**
     * Steps the streams in slots {@code [from, to)} through {@code decoder} until one of them
     * finishes or {@code meet} is set. Returns how many stay active, in the range's first slots. A
     * stream's logits do not depend on the rows beside it, so grouping changes no token.
     */
    private int run(CachedDecoder decoder, int from, int to, int[] tokens, int[] positions, boolean[] done,
                    Stream[] bySlot, SamplingConfig cfg, AtomicBoolean meet) {
        int before;
        do {
            before = to;
            to = step(decoder, from, to, tokens, positions, done, bySlot, cfg);
        } while (to == before && !meet.get());
        return to - from;
    }

    /**
     * One token for each stream in slots {@code [from, to)}; finished streams hand their slot to the
     * range's last active one. Returns the end of the active slots.
     */
    private int step(CachedDecoder decoder, int from, int to, int[] tokens, int[] positions, boolean[] done,
                     Stream[] bySlot, SamplingConfig cfg) {
        for (int slot = from; slot < to; slot++) {
            tokens[slot] = bySlot[slot].generated[bySlot[slot].count - 1];
            positions[slot] = bySlot[slot].length - 1;
        }
        stepSlots(decoder, from, to, tokens, positions, bySlot, cfg);
        for (int slot = from; slot < to; slot++) done[slot] = !accept(bySlot[slot], picks[slot], cfg);
        return compact(bySlot, done, from, to);
    }

    /** How many groups a step of {@code active} streams runs as. */
    private int groupCount(int active) {
        return Math.max(1, Math.min(groups.length, active / GROUP_MIN_STREAMS));
    }

    /**
     * The most streams that a group of a grouped step gets, over every active count up to
     * {@code maxStreams}: fewer active streams make fewer groups, each larger than a full batch's.
     */
    private int largestGroup(int maxStreams) {
        int most = 0;
        for (int active = 1; active <= maxStreams; active++) {
            int count = groupCount(active);
            if (count > 1) most = Math.max(most, (active + count - 1) / count);
        }
        return most;
    }

    /** Slots {@code [from, to)} through {@code decoder}: forward, their logits to the host, and a pick each. */
    private void stepSlots(CachedDecoder decoder, int from, int to, int[] tokens, int[] positions, Stream[] bySlot,
                           SamplingConfig cfg) {
        Tensor logits = decoder.forward(cache, from, to - from, 1, Arrays.copyOfRange(tokens, from, to),
                Arrays.copyOfRange(positions, from, to));
        for (int slot = from; slot < to; slot++) backend.toHost(logits.slice(0, slot - from, slot - from + 1), rows[slot]);
        // Each stream draws from its own generator, so sampling the streams on all cores picks the
        // same tokens as one after another (top-p over 32 rows was a quarter of a step). Inside a
        // group's job this runs serially: the group is already one of the cores' share.
        Parallel.forEach(to - from, to - from >= PARALLEL_SAMPLING_MIN,
                i -> picks[from + i] = Sampler.sample(rows[from + i], cfg, bySlot[from + i].rng));
    }

    /** Records a sampled token; false when the stream is finished (EOS, budget or length spent). */
    private static boolean accept(Stream s, int token, SamplingConfig cfg) {
        if (token == cfg.eosId()) return false;
        s.generated[s.count++] = token;
        s.length++;
        return s.count < s.generated.length;
    }

    /**
     * Within slots {@code [from, to)}, fills each finished stream's slot with the range's last active
     * stream (cache included); returns the end of the active slots.
     */
    private int compact(Stream[] bySlot, boolean[] done, int from, int to) {
        for (int slot = from; slot < to; ) {
            if (!done[slot]) {
                slot++;
                continue;
            }
            to--;
            moveSlot(bySlot, to, slot);
            done[slot] = done[to];
            bySlot[to] = null;
        }
        return to;
    }

    /**
     * Closes the gaps that {@code count} groups leave, group g's {@code left[g]} active streams
     * starting at its first slot {@code g * all / count}; returns how many are active in all.
     */
    private int gather(Stream[] bySlot, int[] left, int count, int all) {
        int active = 0;
        for (int g = 0; g < count; g++) {
            for (int i = 0, first = g * all / count; i < left[g]; i++) moveSlot(bySlot, first + i, active++);
        }
        return active;
    }

    /** Moves the stream in slot {@code from} (cache included) to slot {@code to}, leaving {@code from} empty. */
    private void moveSlot(Stream[] bySlot, int from, int to) {
        if (from == to) return;
        cache.copySlot(from, to, bySlot[from].length - 1);
        bySlot[to] = bySlot[from];
        bySlot[from] = null;
    }

    /**
     * A prompt that repeats the one before it (PMC samples n answers to each question) takes that
     * prompt's cache rows and logits instead of its own prefill: the same bits, since a prefill
     * computes the same in any slot.
     */
    private float[] copyPrefill(int from, int to, int length) {
        if (from != to) { // else the earlier stream stopped at once and left its slot as it was
            cache.copySlot(from, to, length);
            System.arraycopy(rows[from], 0, rows[to], 0, rows[to].length);
        }
        return rows[to];
    }

    /** Runs {@code prompt} into cache slot {@code slot}; returns the logits after it (the slot's host row, reused). */
    private float[] prefill(int slot, int[] prompt) {
        prefills++;
        int[] positions = new int[prompt.length];
        Arrays.setAll(positions, i -> i);
        backend.toHost(groups[0].forward(cache, slot, 1, prompt.length, prompt, positions), rows[slot]);
        return rows[slot];
    }

    private static SplittableRandom rngFor(long seed, int streamIndex) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (streamIndex + 1L)));
    }

    private void validate(int[] prompt, int index) {
        if (prompt.length == 0) throw new IllegalArgumentException("InferenceSession: prompt " + index + " is empty");
        if (prompt.length > maxLength) {
            throw new IllegalArgumentException("InferenceSession: prompt " + index + " has " + prompt.length
                    + " tokens, more than maxLength " + maxLength);
        }
        for (int t : prompt) {
            if (t < 0 || t >= model.config().vocab()) {
                throw new IllegalArgumentException("InferenceSession: prompt " + index + " holds token " + t
                        + " outside the vocabulary [0, " + model.config().vocab() + ")");
            }
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("InferenceSession is closed");
    }

    @Override
    public void close() {
        closed = true;
    }
}
