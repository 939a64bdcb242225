package dev.pmcj.transformer.checkpoint;

import dev.pmcj.transformer.model.ModelConfig;

import java.util.Map;

/**
 * Hugging Face tensor names of {@code LlamaForCausalLM} and {@code GPT2LMHeadModel}, and how each stores
 * the parameter: Llama q/k rows in half-split rotary order, GPT-2's Conv1D weights transposed.
 */
final class HfNames {
    private HfNames() {
    }

    record Stored(String name, Transform transform) {
    }

    private static final Map<String, String> LLAMA_BLOCK = Map.of(
            "ln1.weight", "input_layernorm.weight",
            "attn.q.weight", "self_attn.q_proj.weight",
            "attn.k.weight", "self_attn.k_proj.weight",
            "attn.v.weight", "self_attn.v_proj.weight",
            "attn.proj.weight", "self_attn.o_proj.weight",
            "ln2.weight", "post_attention_layernorm.weight",
            "mlp.gate.weight", "mlp.gate_proj.weight",
            "mlp.up.weight", "mlp.up_proj.weight",
            "mlp.down.weight", "mlp.down_proj.weight");

    private static final Map<String, String> GPT2_BLOCK = Map.ofEntries(
            Map.entry("ln1.weight", "ln_1.weight"), Map.entry("ln1.bias", "ln_1.bias"),
            Map.entry("attn.qkv.weight", "attn.c_attn.weight"), Map.entry("attn.qkv.bias", "attn.c_attn.bias"),
            Map.entry("attn.proj.weight", "attn.c_proj.weight"), Map.entry("attn.proj.bias", "attn.c_proj.bias"),
            Map.entry("ln2.weight", "ln_2.weight"), Map.entry("ln2.bias", "ln_2.bias"),
            Map.entry("mlp.fc.weight", "mlp.c_fc.weight"), Map.entry("mlp.fc.bias", "mlp.c_fc.bias"),
            Map.entry("mlp.proj.weight", "mlp.c_proj.weight"), Map.entry("mlp.proj.bias", "mlp.c_proj.bias"));

    private static final Map<String, String> LLAMA_TOP = Map.of(
            "tok_emb.weight", "model.embed_tokens.weight", "ln_f.weight", "model.norm.weight", "head.weight", "lm_head.weight");

    private static final Map<String, String> GPT2_TOP = Map.of(
            "tok_emb.weight", "wte.weight", "pos_emb.weight", "wpe.weight",
            "ln_f.weight", "ln_f.weight", "ln_f.bias", "ln_f.bias");

    /**
     * The stored name and order of model parameter {@code name}. {@code gpt2Prefix} is {@code ""} or
     * {@code "transformer."} (GPT-2 files exist with both); GPT-2's untied head is {@code lm_head.weight}.
     */
    static Stored of(ModelConfig c, String name, String gpt2Prefix) {
        boolean llama = c.family() == ModelConfig.Family.LLAMA;
        if (name.startsWith("blocks.")) {
            int dot = name.indexOf('.', "blocks.".length());
            String layer = name.substring("blocks.".length(), dot), rest = name.substring(dot + 1);
            String stored = (llama ? LLAMA_BLOCK : GPT2_BLOCK).get(rest);
            if (stored == null) throw new IllegalArgumentException("no Hugging Face name for " + name);
            Transform t = llama
                    ? (rest.equals("attn.q.weight") || rest.equals("attn.k.weight") ? new Transform.HalfSplitRows(c.headDim()) : Transform.IDENTITY)
                    : (rest.endsWith(".weight") && !rest.startsWith("ln") ? Transform.TRANSPOSED : Transform.IDENTITY);
            return new Stored((llama ? "model.layers." : gpt2Prefix + "h.") + layer + "." + stored, t);
        }
        if (!llama && name.equals("head.weight")) return new Stored("lm_head.weight", Transform.IDENTITY);
        String stored = (llama ? LLAMA_TOP : GPT2_TOP).get(name);
        if (stored == null) throw new IllegalArgumentException("no Hugging Face name for " + name);
        return new Stored(llama ? stored : gpt2Prefix + stored, Transform.IDENTITY);
    }
}
