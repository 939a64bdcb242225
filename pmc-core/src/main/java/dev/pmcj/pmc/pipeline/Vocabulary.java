package dev.pmcj.pmc.pipeline;

import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.model.PromptFormat;
import dev.pmcj.transformer.tokenizer.BpeTrainer;
import dev.pmcj.transformer.tokenizer.ByteLevelBpeTokenizer;

import java.util.ArrayList;
import java.util.List;

/** The BPE vocabulary of a model trained from scratch: learnt from everything it will read. */
public final class Vocabulary {
    private Vocabulary() {
    }

    public static ByteLevelBpeTokenizer train(UnlearningData data, int size) {
        return BpeTrainer.train(corpus(data), size);
    }

    /** Prompts with answers, the paraphrases, and the refusals. */
    static List<String> corpus(UnlearningData data) {
        List<String> texts = new ArrayList<>();
        for (QaItem q : data.fineTune()) {
            texts.add(PromptFormat.prompt(q.question()) + PromptFormat.answer(q.answer()));
            if (q.hasParaphrase()) texts.add(q.paraphrasedQuestion() + " " + q.paraphrasedAnswer());
        }
        texts.add(String.join(" ", data.refusals()));
        return texts;
    }
}
