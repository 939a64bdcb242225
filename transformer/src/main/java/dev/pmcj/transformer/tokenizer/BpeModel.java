package dev.pmcj.transformer.tokenizer;

import java.nio.file.Path;
import java.util.List;

/**
 * A vocabulary and its ranked merges (rank = position in the list; (left, right) -> left+right).
 * Shared by the byte-level and SentencePiece-style tokenizers.
 */
record BpeModel(Vocab vocab, int[] left, int[] right, MergeTable table) {

    /** Resolves merges given as token strings; every part and every result must be in the vocabulary. */
    static BpeModel fromFile(Path file, Vocab vocab, List<String[]> merges) throws TokenizerFileException {
        int[] left = new int[merges.size()];
        int[] right = new int[merges.size()];
        MergeTable table = new MergeTable(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] m = merges.get(rank);
            left[rank] = require(file, vocab, m[0], rank, m);
            right[rank] = require(file, vocab, m[1], rank, m);
            int merged = require(file, vocab, m[0] + m[1], rank, m);
            table.putIfAbsent(left[rank], right[rank], rank, merged);
        }
        return new BpeModel(vocab, left, right, table);
    }

    /** Merges given as ids with their results, in rank order (what the trainer produces). */
    static BpeModel of(Vocab vocab, int[] left, int[] right, int[] merged) {
        MergeTable table = new MergeTable(left.length);
        for (int rank = 0; rank < left.length; rank++) table.putIfAbsent(left[rank], right[rank], rank, merged[rank]);
        return new BpeModel(vocab, left, right, table);
    }

    int mergeCount() {
        return left.length;
    }

    private static int require(Path file, Vocab vocab, String token, int rank, String[] merge) throws TokenizerFileException {
        int id = vocab.idOrNegative(token);
        if (id < 0) {
            throw new TokenizerFileException(file, "merge " + (rank + 1) + " ('" + merge[0] + "' '" + merge[1]
                    + "') uses '" + token + "', which is not in the vocabulary");
        }
        return id;
    }
}
