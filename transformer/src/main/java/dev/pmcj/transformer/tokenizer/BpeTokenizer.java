package dev.pmcj.transformer.tokenizer;

import java.util.OptionalInt;

/**
 * What the two Hugging Face BPE tokenizers share: the vocabulary with its merges, the added tokens, bos and
 * eos, and the lookups that read only those. Encoding and decoding are each kind's own.
 */
abstract sealed class BpeTokenizer implements Tokenizer permits ByteLevelBpeTokenizer, SentencePieceBpeTokenizer {
    final BpeModel bpe;
    final AddedTokens added;
    private final OptionalInt bos;
    private final OptionalInt eos;

    BpeTokenizer(BpeModel bpe, AddedTokens added, OptionalInt bos, OptionalInt eos) {
        this.bpe = bpe;
        this.added = added;
        this.bos = bos;
        this.eos = eos;
    }

    @Override
    public final int vocabSize() {
        return bpe.vocab().size();
    }

    @Override
    public final OptionalInt bosId() {
        return bos;
    }

    @Override
    public final OptionalInt eosId() {
        return eos;
    }

    @Override
    public final String tokenText(int id) {
        return bpe.vocab().token(id);
    }

    @Override
    public final OptionalInt idOf(String tokenText) {
        return bpe.vocab().id(tokenText);
    }
}
