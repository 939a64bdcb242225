package dev.pmcj.transformer.tokenizer;

/**
 * SentencePiece conventions of a BPE tokenizer.json: spaces become "▁", a "▁" is prepended, unknown
 * characters fall back to &lt;0xXX&gt; byte tokens.
 *
 * @param prepend      where the dummy "▁" prefix goes
 * @param splitOnSpace legacy Metaspace(split=true): each "▁"-started word is merged on its own
 * @param byteFallback unknown characters become their UTF-8 bytes as &lt;0xXX&gt; tokens (else unk)
 * @param unkId        the unknown token's id, or -1
 * @param fuseUnk      consecutive unknowns become one unk
 */
record SentencePieceOptions(Prepend prepend, boolean splitOnSpace, boolean byteFallback, int unkId, boolean fuseUnk) {
    /**
     * ALWAYS: the Prepend normalizer (every text run between added tokens); UNLESS_SPACE: Metaspace, which
     * skips runs already starting with a space; FIRST_UNLESS_SPACE: Metaspace prepend_scheme "first", only the
     * run at the start of the text.
     */
    enum Prepend { ALWAYS, UNLESS_SPACE, FIRST_UNLESS_SPACE, NEVER }
}
