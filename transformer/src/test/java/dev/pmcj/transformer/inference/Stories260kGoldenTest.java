package dev.pmcj.transformer.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmcj.autograd.Tape;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.testsupport.SharedData;
import dev.pmcj.transformer.checkpoint.Checkpoint;
import dev.pmcj.transformer.checkpoint.CheckpointLoader;
import dev.pmcj.transformer.checkpoint.Checkpoints;
import dev.pmcj.transformer.model.Batch;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.tokenizer.Llama2cTokenizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * llama2.c's stories260K against golden_reference.json (computed with llama2.c): greedy text from BOS,
 * the logits after BOS, and the teacher-forced NLL of "Once upon a time" (mean over its 4 next-token
 * predictions after BOS, in nats).
 */
class Stories260kGoldenTest {

    private static Decoder load(Backend b) throws IOException {
        try (Checkpoint ckpt = CheckpointLoader.load(SharedData.require("models/stories260K/stories260K.bin"))) {
            Decoder d = new Decoder(ckpt.config(), Decoder.newParameters(ckpt.config(), b));
            Checkpoints.copyInto(ckpt, d.parameters());
            return d;
        }
    }

    private static JsonNode golden() throws IOException {
        return new ObjectMapper().readTree(SharedData.require("models/stories260K/golden_reference.json").toFile());
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void greedyFromBosMatchesLlama2c(String backend) throws IOException {
        JsonNode g = golden();
        Decoder model = load(Backends.select(backend));
        int[] expected = ints(g.get("greedy_from_bos_256_ids"));
        try (InferenceSession session = new InferenceSession(model, 1, model.config().context())) {
            int[] bos = {Llama2cTokenizer.BOS};
            assertArrayEquals(expected, session.generate(List.of(bos), SamplingConfig.greedy(expected.length)).getFirst());
            float[] logits = session.nextTokenLogits(bos);
            JsonNode first8 = g.get("logits_after_bos_first8");
            for (int i = 0; i < first8.size(); i++) assertEquals(first8.get(i).asDouble(), logits[i], 1e-4, "logit " + i);
            assertEquals(g.get("argmax_after_bos").asInt(), Sampler.argmax(logits));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void teacherForcedNllMatchesLlama2c(String backend) throws IOException {
        JsonNode g = golden();
        Decoder model = load(Backends.select(backend));
        Path tokFile = SharedData.require("models/stories260K/tok512.bin");
        int[] ids = Llama2cTokenizer.load(tokFile).encode("Once upon a time", true, false);
        assertArrayEquals(ints(g.get("encode_Once_upon_a_time_with_bos")), ids);
        Tape tape = new Tape(model.parameters().backend());
        try (var ignored = tape.noGrad()) {
            float nll = model.meanLoss(tape, Batch.lm(List.of(ids), 0, ids.length), 0f).value().item();
            assertEquals(g.get("mean_nll_Once_upon_a_time_teacher_forced_nats").asDouble(), nll, 1e-4);
        }
    }
}
