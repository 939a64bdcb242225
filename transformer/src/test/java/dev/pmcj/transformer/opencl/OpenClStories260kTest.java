package dev.pmcj.transformer.opencl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmcj.tensor.Backend;
import dev.pmcj.testsupport.OpenClDevice;
import dev.pmcj.testsupport.SharedData;
import dev.pmcj.transformer.checkpoint.Checkpoint;
import dev.pmcj.transformer.checkpoint.CheckpointLoader;
import dev.pmcj.transformer.checkpoint.Checkpoints;
import dev.pmcj.transformer.inference.InferenceSession;
import dev.pmcj.transformer.inference.Sampler;
import dev.pmcj.transformer.inference.SamplingConfig;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.tokenizer.Llama2cTokenizer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * llama2.c's stories260K on the OpenCL device against golden_reference.json (computed with
 * llama2.c): the 256 greedy ids from BOS exactly, and the first logits after BOS within 1e-4.
 * The weights, KV cache and activations stay on the device; the host reads only logits.
 */
class OpenClStories260kTest {

    @Test
    void greedyFromBosGivesTheGoldenIds() throws IOException {
        Backend opencl = OpenClDevice.require();
        JsonNode g = new ObjectMapper().readTree(SharedData.require("models/stories260K/golden_reference.json").toFile());
        Decoder model;
        try (Checkpoint ckpt = CheckpointLoader.load(SharedData.require("models/stories260K/stories260K.bin"))) {
            model = new Decoder(ckpt.config(), Decoder.newParameters(ckpt.config(), opencl));
            Checkpoints.copyInto(ckpt, model.parameters());
        }
        JsonNode ids = g.get("greedy_from_bos_256_ids");
        int[] expected = new int[ids.size()];
        for (int i = 0; i < expected.length; i++) expected[i] = ids.get(i).asInt();
        try (InferenceSession session = new InferenceSession(model, 1, model.config().context())) {
            int[] bos = {Llama2cTokenizer.BOS};
            assertArrayEquals(expected, session.generate(List.of(bos), SamplingConfig.greedy(expected.length)).getFirst());
            float[] logits = session.nextTokenLogits(bos);
            JsonNode first8 = g.get("logits_after_bos_first8");
            for (int i = 0; i < first8.size(); i++) assertEquals(first8.get(i).asDouble(), logits[i], 1e-4, "logit " + i);
            assertEquals(g.get("argmax_after_bos").asInt(), Sampler.argmax(logits));
        }
    }
}
