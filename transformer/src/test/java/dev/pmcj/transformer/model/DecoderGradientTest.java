package dev.pmcj.transformer.model;

import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole-model gradient check: central finite differences of the float32 mean loss against the tape's
 * gradient, for two random elements of every parameter tensor. Step h = 1e-2 balances truncation
 * error (h^2 f'''/6, ~1e-5 here) against float32 rounding of a loss near 3 (~1e-6 / 2h = 5e-5), so
 * each element must agree within 5e-4 + 2% and the whole sample within 1% in relative L2.
 */
class DecoderGradientTest {
    private static final float H = 1e-2f;

    static List<ModelConfig> configs() {
        return TinyModels.all();
    }

    @ParameterizedTest
    @MethodSource("configs")
    void autogradMatchesFiniteDifferences(ModelConfig c) {
        Backend b = Backends.scalar();
        Decoder model = TinyModels.random(c, b, 11, 0.3f);
        ParameterStore p = model.parameters();
        Batch batch = Batch.of(List.of(new int[]{1, 2, 3}, new int[]{4}), List.of(new int[]{5, 6, 7}, new int[]{8, 9}), 0, 8);

        p.zeroGrad();
        Tape tape = new Tape(b);
        Var loss = model.meanLoss(tape, batch, 0.1f);
        tape.backward(loss);
        float[] grads = p.grads().toHost();
        float[] values = p.params().toHost();

        SplittableRandom rng = new SplittableRandom(5);
        double errSq = 0, refSq = 0;
        int large = 0, checked = 0;
        for (String name : p.names()) {
            for (int s = 0; s < 2; s++) {
                int i = (int) (p.offset(name) + rng.nextInt(p.shape(name).size()));
                float fd = (lossWith(model, batch, values, i, H) - lossWith(model, batch, values, i, -H)) / (2 * H);
                float ad = grads[i];
                assertTrue(Math.abs(fd - ad) <= 5e-4 + 0.02 * Math.abs(ad),
                        c.family() + " " + name + "[" + (i - p.offset(name)) + "]: autograd " + ad + ", finite difference " + fd);
                errSq += (fd - ad) * (double) (fd - ad);
                refSq += ad * (double) ad;
                if (Math.abs(ad) > 1e-3) large++;
                checked++;
            }
        }
        assertTrue(Math.sqrt(errSq / refSq) < 0.01, "relative L2 error " + Math.sqrt(errSq / refSq));
        assertTrue(large > checked / 2, "too few non-negligible gradients to be a real check: " + large + " of " + checked);
    }

    private static float lossWith(Decoder model, Batch batch, float[] values, int i, float delta) {
        Backend b = model.parameters().backend();
        float[] moved = values.clone();
        moved[i] += delta;
        b.fromHost(moved, model.parameters().params());
        Tape tape = new Tape(b);
        try (var _ = tape.noGrad()) {
            return model.meanLoss(tape, batch, 0.1f).value().item();
        } finally {
            b.fromHost(values, model.parameters().params());
        }
    }
}
