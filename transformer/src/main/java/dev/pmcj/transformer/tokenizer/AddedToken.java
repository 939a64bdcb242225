package dev.pmcj.transformer.tokenizer;

/**
 * A token matched verbatim in the text before pre-tokenization ("<|endoftext|>", "<s>").
 *
 * @param special special tokens (bos, eos, pad, chat markers) are left out by {@code decode}
 */
record AddedToken(String content, int id, boolean special) {
    public AddedToken {
        if (content == null || content.isEmpty()) throw new IllegalArgumentException("added token " + id + " has empty content");
        if (id < 0) throw new IllegalArgumentException("added token '" + content + "' has negative id " + id);
    }
}
