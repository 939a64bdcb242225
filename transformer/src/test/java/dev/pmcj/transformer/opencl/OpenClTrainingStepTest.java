package dev.pmcj.transformer.opencl;

import dev.pmcj.autograd.ParameterStore;
import dev.pmcj.autograd.optim.Schedule;
import dev.pmcj.autograd.optim.Sgd;
import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.testsupport.OpenClDevice;
import dev.pmcj.transformer.model.Batch;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.model.TinyModels;
import dev.pmcj.transformer.train.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training step of a tiny GPT-2 and a tiny Llama (grouped KV heads) on the OpenCL device against
 * the CPU backend, from the same weights and batch: the loss and every gradient after the first
 * micro-step, then the parameters after the optimizer step (gradient clipping included), agree
 * within 1e-4 relative (per parameter tensor, relative to its largest magnitude).
 */
class OpenClTrainingStepTest {
    private static final double RTOL = 1e-4;

    static List<ModelConfig> configs() {
        return List.of(TinyModels.GPT2, TinyModels.LLAMA);
    }

    /** Two micro-batches (one step with accumulation 2), with padding and a smoothed loss. */
    private static final List<Batch> MICRO = List.of(
            Batch.of(List.of(new int[]{1, 2, 3, 4, 5}, new int[]{6, 7}), List.of(new int[]{2, 3, 4, 5, 6}, new int[]{7, 8}), 0, 8),
            Batch.lm(List.of(new int[]{9, 10, 11, 12, 13, 14, 15}, new int[]{3, 1, 4, 1, 5}), 0, 8));

    private static Trainer trainer(ModelConfig c, Backend b) {
        Decoder model = TinyModels.random(c, b, 17, 0.3f);
        return new Trainer(model, new Sgd(0.9f, 0.01f), new Schedule.Constant(0.05f), 2, 1.0f);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void trainingStepMatchesTheCpuBackend(ModelConfig c) {
        Backend opencl = OpenClDevice.require();
        Trainer cpu = trainer(c, Backends.cpu()), gpu = trainer(c, opencl);

        float lossCpu = step(cpu, MICRO.get(0)), lossGpu = step(gpu, MICRO.get(0));
        assertTrue(Math.abs(lossGpu - lossCpu) <= RTOL * Math.abs(lossCpu), "loss: cpu " + lossCpu + ", opencl " + lossGpu);
        compare(c + " gradient", cpu.model().parameters(), gpu.model().parameters(), true);

        step(cpu, MICRO.get(1));
        step(gpu, MICRO.get(1));
        compare(c + " parameters after the step", cpu.model().parameters(), gpu.model().parameters(), false);
    }

    private static float step(Trainer t, Batch batch) {
        return t.microStep(tape -> t.model().meanLoss(tape, batch, 0.1f));
    }

    private static void compare(String what, ParameterStore want, ParameterStore got, boolean grads) {
        float[] w = (grads ? want.grads() : want.params()).toHost(), g = (grads ? got.grads() : got.params()).toHost();
        for (String name : want.names()) {
            int from = (int) want.offset(name), to = from + want.shape(name).size();
            double scale = 0;
            for (int i = from; i < to; i++) scale = Math.max(scale, Math.abs(w[i]));
            assertTrue(scale > 0, what + " " + name + " is all zero on the CPU: not a real check");
            for (int i = from; i < to; i++) {
                assertTrue(Math.abs(g[i] - w[i]) <= RTOL * scale, what + " " + name + "[" + (i - from) + "]: cpu "
                        + w[i] + ", opencl " + g[i] + " (tensor scale " + scale + ")");
            }
        }
    }
}
