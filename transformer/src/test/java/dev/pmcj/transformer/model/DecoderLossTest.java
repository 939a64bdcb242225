package dev.pmcj.transformer.model;

import dev.pmcj.autograd.Tape;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Per-token and mean losses against cross-entropy with label smoothing computed in double from the logits. */
class DecoderLossTest {

    static List<ModelConfig> configs() {
        return TinyModels.all();
    }

    @ParameterizedTest
    @MethodSource("configs")
    void smoothedLossMatchesDefinition(ModelConfig c) {
        Backend b = Backends.scalar();
        Decoder model = TinyModels.random(c, b, 3, 0.5f);
        Batch batch = Batch.of(List.of(new int[]{1, 2}, new int[]{3, 4, 5}), List.of(new int[]{6, 7, 8}, new int[]{9}), 0, 16);
        float s = 0.2f;
        Tape tape = new Tape(b);
        try (var _ = tape.noGrad()) {
            float[] logits = model.logits(tape, batch.tokens(), batch.batch(), batch.seqLen()).value().toHost();
            float[] losses = model.tokenLosses(tape, batch, s).value().toHost();
            float mean = model.meanLoss(tape, batch, s).value().item();
            int v = c.vocab();
            double sum = 0;
            for (int n = 0; n < losses.length; n++) {
                int target = batch.targets()[n];
                if (target < 0) {
                    assertEquals(0f, losses[n], "masked position " + n);
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY, z = 0, sumLogits = 0;
                for (int j = 0; j < v; j++) max = Math.max(max, logits[n * v + j]);
                for (int j = 0; j < v; j++) {
                    z += Math.exp(logits[n * v + j] - max);
                    sumLogits += logits[n * v + j];
                }
                double logZ = max + Math.log(z);
                double expected = -(1 - s) * (logits[n * v + target] - logZ) - s / v * (sumLogits - v * logZ);
                assertEquals(expected, losses[n], 1e-5, "position " + n);
                sum += expected;
            }
            assertEquals(sum / batch.unmaskedCount(), mean, 1e-5);
        }
    }
}
