package dev.pmcj.transformer.inference;

/**
 * How to pick each next token and when to stop.
 *
 * @param temperature    0 picks the most likely token (the first on ties); otherwise logits are divided by it
 * @param topP           nucleus: keep the smallest most-likely set whose probability reaches topP (1 = off)
 * @param topK           keep only the k most likely tokens (0 = off); applied before topP
 * @param seed           seeds one random stream per prompt (derived from the seed and the prompt's index)
 * @param maxNewTokens   at most this many generated tokens per prompt
 * @param maxTotalLength stop when prompt plus generated tokens reach this length
 * @param eosId          stop at this token, which is not returned (-1: none)
 */
public record SamplingConfig(float temperature, float topP, int topK, long seed, int maxNewTokens,
                             int maxTotalLength, int eosId) {

    public SamplingConfig {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("SamplingConfig: temperature " + temperature + " must be finite and >= 0");
        }
        if (!(topP > 0f && topP <= 1f)) throw new IllegalArgumentException("SamplingConfig: topP " + topP + " must lie in (0, 1]");
        if (topK < 0) throw new IllegalArgumentException("SamplingConfig: topK " + topK + " must be >= 0 (0 = off)");
        if (maxNewTokens < 0) throw new IllegalArgumentException("SamplingConfig: maxNewTokens " + maxNewTokens + " must be >= 0");
        if (maxTotalLength <= 0) throw new IllegalArgumentException("SamplingConfig: maxTotalLength " + maxTotalLength + " must be positive");
        if (eosId < -1) throw new IllegalArgumentException("SamplingConfig: eosId " + eosId + " must be a token id or -1");
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens, no EOS, no length limit beyond the session's. */
    public static SamplingConfig greedy(int maxNewTokens) {
        return new SamplingConfig(0f, 1f, 0, 0L, maxNewTokens, Integer.MAX_VALUE, -1);
    }

    /** Sampling at {@code temperature} with neither top-k nor top-p. */
    public static SamplingConfig sampling(float temperature, long seed, int maxNewTokens) {
        return new SamplingConfig(temperature, 1f, 0, seed, maxNewTokens, Integer.MAX_VALUE, -1);
    }

    public SamplingConfig withEos(int id) {
        return new SamplingConfig(temperature, topP, topK, seed, maxNewTokens, maxTotalLength, id);
    }

    public SamplingConfig withMaxTotalLength(int length) {
        return new SamplingConfig(temperature, topP, topK, seed, maxNewTokens, length, eosId);
    }

    public SamplingConfig withTopK(int k) {
        return new SamplingConfig(temperature, topP, k, seed, maxNewTokens, maxTotalLength, eosId);
    }

    public SamplingConfig withTopP(float p) {
        return new SamplingConfig(temperature, p, topK, seed, maxNewTokens, maxTotalLength, eosId);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }
}
