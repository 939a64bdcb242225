package dev.pmcj.transformer.model;

import dev.pmcj.autograd.optim.AdamW;
import dev.pmcj.autograd.optim.Schedule;
import dev.pmcj.tensor.Backends;
import dev.pmcj.transformer.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training on one batch from GPT-2 initialisation must drive the loss close to 0 (every family learns). */
class OverfitTest {

    static List<ModelConfig> configs() {
        return List.of(TinyModels.GPT2, TinyModels.LLAMA);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void memorisesOneBatch(ModelConfig c) {
        Decoder model = new Decoder(c, Decoder.newParameters(c, Backends.cpu()));
        model.initialize(7);
        Batch batch = Batch.lm(List.of(new int[]{1, 5, 9, 2, 7, 7, 3, 11}, new int[]{4, 8, 15, 16, 22, 0, 2, 1}), 0, 8);
        Trainer trainer = new Trainer(model, AdamW.withWeightDecay(0f), new Schedule.Constant(1e-2f));
        float first = trainer.microStep(t -> model.meanLoss(t, batch, 0f));
        float last = first;
        for (int step = 1; step < 150; step++) last = trainer.microStep(t -> model.meanLoss(t, batch, 0f));
        assertTrue(first > 2.5f, "initial loss near log(vocab), got " + first);
        assertTrue(last < 0.05f, c.family() + ": loss after 150 steps " + last);
    }
}
