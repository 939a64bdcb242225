package dev.pmcj.pmc.unlearn;

import dev.pmcj.pmc.data.AuthorData;
import dev.pmcj.pmc.data.AuthorDataConfig;
import dev.pmcj.pmc.data.AuthorGenerator;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.data.UnlearningData;
import dev.pmcj.pmc.model.PromptFormat;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.tensor.Backends;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.tokenizer.BpeTrainer;
import dev.pmcj.transformer.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/** A tiny model and data set for unlearning tests: fast on the scalar backend, deterministic. */
final class TinySetup {
    final UnlearningData data;
    final Tokenizer tokenizer;
    final ModelConfig config;

    TinySetup() {
        AuthorData authors = AuthorGenerator.generate(new AuthorDataConfig(10, 2, 1, 4, 2, 4, 7));
        data = authors.split(10);
        List<String> corpus = new ArrayList<>();
        for (QaItem q : data.fineTune()) corpus.add(PromptFormat.prompt(q.question()) + PromptFormat.answer(q.answer()));
        tokenizer = BpeTrainer.train(corpus, 300);
        config = ModelConfig.gpt2(1, 16, 2, tokenizer.vocabSize(), 96);
    }

    QaModel freshModel(long seed) {
        Decoder d = new Decoder(config, Decoder.newParameters(config, Backends.scalar()));
        d.initialize(seed);
        return new QaModel(d, tokenizer);
    }
}
