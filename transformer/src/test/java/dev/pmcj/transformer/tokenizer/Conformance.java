package dev.pmcj.transformer.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmcj.testsupport.SharedData;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The shared conformance data: inputs by id, and per tokenizer the ids and tokens Hugging Face produced. */
record Conformance(String id, String text, int[] ids, List<String> tokens) {
    static final String DIR = "tokenizers/conformance/";

    static List<Conformance> cases(String baselineFile) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode inputs = mapper.readTree(SharedData.require(DIR + "baseline_inputs.json").toFile()).get("inputs");
        JsonNode entries = mapper.readTree(SharedData.require(DIR + baselineFile).toFile()).get("entries");
        List<Conformance> out = new ArrayList<>();
        for (JsonNode input : inputs) {
            JsonNode e = entries.get(input.get("id").asText());
            if (e == null) throw new AssertionError(baselineFile + " lacks entry " + input.get("id"));
            List<String> tokens = new ArrayList<>();
            e.get("tokens").forEach(t -> tokens.add(t.asText()));
            out.add(new Conformance(input.get("id").asText(), input.get("text").asText(), ints(e.get("input_ids")), tokens));
        }
        if (out.size() != entries.size()) throw new AssertionError(baselineFile + " has entries without inputs");
        return out;
    }

    static Map<String, Object> swiftGpt2() throws IOException {
        JsonNode n = new ObjectMapper().readTree(SharedData.require(DIR + "swift-transformers_gpt2_encoded_tokens.json").toFile());
        return Map.of("text", n.get("text").asText(), "ids", ints(n.get("token_ids")), "decoded", n.get("decoded_text").asText());
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).intValue();
        return out;
    }
}
