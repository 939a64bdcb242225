package dev.pmcj.transformer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmcj.transformer.model.ModelConfig;

import java.nio.file.Path;

/** A Hugging Face {@code config.json} (model_type {@code llama} or {@code gpt2}) to and from {@link ModelConfig}. */
final class HfConfig {
    private HfConfig() {
    }

    static ModelConfig parse(Path file, JsonNode json) throws CheckpointException {
        if (!json.isObject()) throw new CheckpointException(file, "config is not a JSON object");
        Fields f = new Fields(file, json);
        String type = json.path("model_type").asText("");
        try {
            return switch (type) {
                case "llama" -> {
                    if (json.hasNonNull("rope_scaling")) throw new CheckpointException(file, "rope_scaling is not supported");
                    int dim = f.integer("hidden_size"), heads = f.integer("num_attention_heads");
                    if (json.hasNonNull("head_dim") && heads > 0 && f.integer("head_dim") * heads != dim) {
                        throw new CheckpointException(file, "head_dim " + f.integer("head_dim") + " is not hidden_size / num_attention_heads");
                    }
                    yield new ModelConfig(ModelConfig.Family.LLAMA, f.integer("num_hidden_layers"), dim,
                            f.integer("intermediate_size"), heads, json.has("num_key_value_heads") ? f.integer("num_key_value_heads") : heads,
                            f.integer("vocab_size"), f.integer("max_position_embeddings"),
                            f.number("rms_norm_eps", 1e-6f), f.number("rope_theta", 10000f), f.bool("tie_word_embeddings", false));
                }
                case "gpt2" -> {
                    String act = json.path("activation_function").asText("gelu_new");
                    if (!act.equals("gelu_new")) throw new CheckpointException(file, "activation_function " + act + " is not supported (gelu_new only)");
                    int dim = f.integer("n_embd");
                    yield new ModelConfig(ModelConfig.Family.GPT2, f.integer("n_layer"), dim,
                            json.hasNonNull("n_inner") ? f.integer("n_inner") : 4 * dim, f.integer("n_head"), f.integer("n_head"),
                            f.integer("vocab_size"), f.integer("n_positions"), f.number("layer_norm_epsilon", 1e-5f), 0f,
                            f.bool("tie_word_embeddings", true));
                }
                default -> throw new CheckpointException(file, "model_type '" + type + "' is not supported (llama or gpt2)");
            };
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "config describes no valid model: " + e.getMessage());
        }
    }

    static ObjectNode write(ModelConfig c, ObjectNode json) {
        boolean llama = c.family() == ModelConfig.Family.LLAMA;
        json.putArray("architectures").add(llama ? "LlamaForCausalLM" : "GPT2LMHeadModel");
        json.put("model_type", llama ? "llama" : "gpt2");
        if (llama) {
            json.put("hidden_size", c.dim()).put("intermediate_size", c.hiddenDim()).put("num_hidden_layers", c.layers())
                    .put("num_attention_heads", c.heads()).put("num_key_value_heads", c.kvHeads())
                    .put("vocab_size", c.vocab()).put("max_position_embeddings", c.context())
                    .put("rms_norm_eps", exact(c.normEps())).put("rope_theta", exact(c.ropeTheta()))
                    .put("hidden_act", "silu");
        } else {
            json.put("n_embd", c.dim()).put("n_inner", c.hiddenDim()).put("n_layer", c.layers()).put("n_head", c.heads())
                    .put("vocab_size", c.vocab()).put("n_positions", c.context()).put("n_ctx", c.context())
                    .put("layer_norm_epsilon", exact(c.normEps())).put("activation_function", "gelu_new");
        }
        return json.put("tie_word_embeddings", c.tiedHead()).put("torch_dtype", "float32");
    }

    /** The shortest decimal that reads back as the same float (1e-5f is written 1.0E-5, not 9.99999974737875E-6). */
    private static double exact(float v) {
        return Double.parseDouble(Float.toString(v));
    }

    private record Fields(Path file, JsonNode json) {
        int integer(String key) throws CheckpointException {
            JsonNode n = json.get(key);
            if (n == null || n.isNull()) throw new CheckpointException(file, "missing " + key);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) throw new CheckpointException(file, key + " is not a 32-bit integer: " + n);
            return n.intValue();
        }

        float number(String key, float fallback) throws CheckpointException {
            JsonNode n = json.get(key);
            if (n == null || n.isNull()) return fallback;
            if (!n.isNumber() || !Double.isFinite(n.doubleValue())) throw new CheckpointException(file, key + " is not a number: " + n);
            return n.floatValue();
        }

        boolean bool(String key, boolean fallback) throws CheckpointException {
            JsonNode n = json.get(key);
            if (n == null || n.isNull()) return fallback;
            if (!n.isBoolean()) throw new CheckpointException(file, key + " is not a boolean: " + n);
            return n.booleanValue();
        }
    }
}
