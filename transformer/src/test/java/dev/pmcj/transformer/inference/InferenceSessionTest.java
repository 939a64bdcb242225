package dev.pmcj.transformer.inference;

import dev.pmcj.autograd.Tape;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.model.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cached, batched path against the training forward, and against itself with other batchings. */
class InferenceSessionTest {

    static List<ModelConfig> configs() {
        return TinyModels.all();
    }

    private static Decoder model(ModelConfig c) {
        return TinyModels.random(c, Backends.scalar(), 21, 0.4f);
    }

    /** Last-row logits of the uncached training forward. */
    private static float[] uncachedLogits(Decoder model, int[] tokens) {
        Backend b = model.parameters().backend();
        Tape tape = new Tape(b);
        try (var ignored = tape.noGrad()) {
            float[] all = model.logits(tape, tokens, 1, tokens.length).value().toHost();
            int v = model.config().vocab();
            return Arrays.copyOfRange(all, (tokens.length - 1) * v, tokens.length * v);
        }
    }

    private static int[] concat(int[] a, int[] b, int bLength) {
        int[] out = Arrays.copyOf(a, a.length + bLength);
        System.arraycopy(b, 0, out, a.length, bLength);
        return out;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void greedyCachedGenerationFollowsUncachedArgmax(ModelConfig c) {
        Decoder model = model(c);
        int[] prompt = {3, 7, 1};
        try (InferenceSession session = new InferenceSession(model, 2, 16)) {
            int[] generated = session.generate(List.of(prompt), SamplingConfig.greedy(12)).getFirst();
            assertEquals(12, generated.length);
            for (int k = 0; k < generated.length; k++) {
                int[] prefix = concat(prompt, generated, k);
                float[] reference = uncachedLogits(model, prefix);
                assertEquals(Sampler.argmax(reference), generated[k], "step " + k);
                assertArrayEquals(reference, session.nextTokenLogits(prefix), 1e-4f, "logits after " + Arrays.toString(prefix));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void batchedStreamsEqualEachAlone(ModelConfig c) {
        Decoder model = model(c);
        List<int[]> prompts = List.of(new int[]{1}, new int[]{2, 3, 4, 5, 6}, new int[]{7, 8}, new int[]{9, 10, 11},
                new int[]{12, 13, 14, 15}, new int[]{16, 0});
        // Streams finish at different steps: the total length caps each at 10 - prompt length.
        SamplingConfig cfg = SamplingConfig.greedy(8).withMaxTotalLength(10);
        try (InferenceSession batched = new InferenceSession(model, 4, 16);
             InferenceSession single = new InferenceSession(model, 1, 16)) {
            List<int[]> alone = new ArrayList<>();
            for (int[] p : prompts) alone.add(single.generate(List.of(p), cfg).getFirst());
            List<int[]> together = batched.generate(prompts, cfg);
            for (int i = 0; i < prompts.size(); i++) {
                assertEquals(Math.min(8, 10 - prompts.get(i).length), alone.get(i).length);
                assertArrayEquals(alone.get(i), together.get(i), "prompt " + i);
            }
            // Stopping at EOS: each output is its EOS-free output cut before the first EOS.
            int eos = alone.get(1)[2];
            List<int[]> stopped = batched.generate(prompts, cfg.withEos(eos));
            for (int i = 0; i < prompts.size(); i++) {
                int[] full = alone.get(i);
                int cut = 0;
                while (cut < full.length && full[cut] != eos) cut++;
                assertArrayEquals(Arrays.copyOf(full, cut), stopped.get(i), "prompt " + i + " with EOS " + eos);
            }
        }
    }

    /**
     * The fast backend's packed weights: a prefill's logits against the uncached forward (which
     * multiplies the weights unpacked), and batched greedy streams against each alone in a
     * one-stream session, whose matrix-vector products take another kernel.
     */
    @ParameterizedTest
    @MethodSource("configs")
    void packedWeightsGiveTheUnpackedResults(ModelConfig c) {
        Decoder model = TinyModels.random(c, Backends.cpu(), 21, 0.4f);
        List<int[]> prompts = List.of(new int[]{3, 7, 1, 4, 4, 9}, new int[]{2}, new int[]{5, 6}, new int[]{8, 1, 2});
        SamplingConfig cfg = SamplingConfig.greedy(8);
        try (InferenceSession packed = new InferenceSession(model, 4, 16);
             InferenceSession single = new InferenceSession(model, 1, 16)) {
            assertArrayEquals(uncachedLogits(model, prompts.getFirst()), packed.nextTokenLogits(prompts.getFirst()), 1e-4f);
            List<int[]> together = packed.generate(prompts, cfg);
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(single.generate(List.of(prompts.get(i)), cfg).getFirst(), together.get(i), "prompt " + i);
            }
        }
    }

    /**
     * Sixteen sampled streams on the fast backend step as groups side by side (on two or more cores)
     * and pick the same tokens as in a session of eight, whose steps run whole; both pack.
     */
    @Test
    void groupedStepsPickTheSameTokens() {
        Decoder model = TinyModels.random(TinyModels.LLAMA, Backends.cpu(), 21, 0.4f);
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < 16; i++) prompts.add(i % 3 == 0 ? new int[]{i % 9 + 1, 2} : new int[]{i % 9 + 1});
        SamplingConfig cfg = new SamplingConfig(1.0f, 0.9f, 10, 5L, 12, 16, -1);
        try (InferenceSession grouped = new InferenceSession(model, 16, 16);
             InferenceSession whole = new InferenceSession(model, 8, 16)) {
            List<int[]> a = grouped.generate(prompts, cfg), b = whole.generate(prompts, cfg);
            for (int i = 0; i < prompts.size(); i++) assertArrayEquals(b.get(i), a.get(i), "prompt " + i);
        }
    }

    /**
     * 64 streams as eight groups (a 16-core machine's session) that finish at different steps: with
     * fewer streams left a step makes fewer, larger groups (59 streams: seven of up to nine), which
     * each group's buffers must hold; tokens as in one ungrouped session.
     */
    @Test
    void groupsGrowAsStreamsFinish() {
        Decoder model = TinyModels.random(TinyModels.LLAMA, Backends.cpu(), 21, 0.4f);
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            int[] p = new int[i % 12 + 1];
            for (int j = 0; j < p.length; j++) p[j] = (i + j) % 9 + 1;
            prompts.add(p);
        }
        SamplingConfig cfg = new SamplingConfig(1.0f, 0.9f, 10, 5L, 12, 16, -1);
        try (InferenceSession grouped = new InferenceSession(model, 64, 16, 16);
             InferenceSession whole = new InferenceSession(model, 64, 16, 1)) {
            List<int[]> a = grouped.generate(prompts, cfg), b = whole.generate(prompts, cfg);
            for (int i = 0; i < prompts.size(); i++) assertArrayEquals(b.get(i), a.get(i), "prompt " + i);
        }
    }

    /**
     * Repeated prompts (PMC samples n answers to each question) copy the first one's prefill: one
     * prefill per run of equal prompts, and every stream as in a one-stream session, which prefills
     * each prompt. With EOS at greedy's first token the repeats stop at once and reuse one slot.
     */
    @ParameterizedTest
    @MethodSource("configs")
    void repeatedPromptsShareTheirPrefill(ModelConfig c) {
        Decoder model = model(c);
        int[] a = {3, 7, 1}, b = {2, 5};
        List<int[]> prompts = List.of(a, a.clone(), a, b, b, a);
        SamplingConfig sampled = new SamplingConfig(1.0f, 0.9f, 10, 5L, 8, 16, -1);
        try (InferenceSession shared = new InferenceSession(model, 8, 16);
             InferenceSession single = new InferenceSession(model, 1, 16)) {
            int eos = single.generate(List.of(a), SamplingConfig.greedy(1)).getFirst()[0];
            for (SamplingConfig cfg : List.of(sampled, SamplingConfig.greedy(8).withEos(eos))) {
                shared.prefills = 0;
                single.prefills = 0;
                List<int[]> together = shared.generate(prompts, cfg), alone = single.generate(prompts, cfg);
                assertEquals(3, shared.prefills, "prefills of " + cfg);
                assertEquals(prompts.size(), single.prefills);
                for (int i = 0; i < prompts.size(); i++) assertArrayEquals(alone.get(i), together.get(i), "prompt " + i + " of " + cfg);
            }
        }
    }

    @Test
    void samplingDoesNotDependOnBatchComposition() {
        Decoder model = model(TinyModels.LLAMA);
        List<int[]> prompts = List.of(new int[]{1, 2}, new int[]{3}, new int[]{4, 5, 6}, new int[]{7}, new int[]{8, 9});
        SamplingConfig cfg = new SamplingConfig(1.0f, 0.9f, 8, 42L, 9, 16, -1);
        try (InferenceSession wide = new InferenceSession(model, 5, 16);
             InferenceSession narrow = new InferenceSession(model, 2, 16)) {
            List<int[]> a = wide.generate(prompts, cfg), b = narrow.generate(prompts, cfg);
            for (int i = 0; i < prompts.size(); i++) assertArrayEquals(a.get(i), b.get(i), "prompt " + i);
            List<int[]> other = wide.generate(prompts, new SamplingConfig(1.0f, 0.9f, 8, 43L, 9, 16, -1));
            boolean differs = false;
            for (int i = 0; i < prompts.size(); i++) differs |= !Arrays.equals(a.get(i), other.get(i));
            assertTrue(differs, "another seed should change some sample");
        }
    }

    @Test
    void rejectsBadPromptsAndLengths() {
        Decoder model = model(TinyModels.GPT2);
        assertThrows(IllegalArgumentException.class, () -> new InferenceSession(model, 1, 17));
        try (InferenceSession s = new InferenceSession(model, 1, 4)) {
            assertThrows(IllegalArgumentException.class, () -> s.generate(List.of(new int[0]), SamplingConfig.greedy(1)));
            assertThrows(IllegalArgumentException.class, () -> s.generate(List.of(new int[]{1, 2, 3, 4, 5}), SamplingConfig.greedy(1)));
            assertThrows(IllegalArgumentException.class, () -> s.generate(List.of(new int[]{23}), SamplingConfig.greedy(1)));
            assertEquals(0, s.generate(List.of(new int[]{1, 2, 3, 4}), SamplingConfig.greedy(5)).getFirst().length);
            assertEquals(3, s.generate(List.of(new int[]{1}), SamplingConfig.greedy(5)).getFirst().length);
        }
    }
}
