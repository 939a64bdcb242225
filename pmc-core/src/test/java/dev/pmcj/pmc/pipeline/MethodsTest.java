package dev.pmcj.pmc.pipeline;

import dev.pmcj.autograd.Tape;
import dev.pmcj.pmc.fixtures.TinySetup;
import dev.pmcj.pmc.model.QaModel;
import dev.pmcj.pmc.unlearn.PmcConfig;
import dev.pmcj.pmc.unlearn.Selection;
import dev.pmcj.pmc.unlearn.UnlearningMethod;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MethodsTest {
    private static final PmcConfig PMC = new PmcConfig(2f, 1f, 0.95f, 2, 1, 2, 1, 40, 1e-3f, 0.01f, new Selection.Argmin(), 0);

    @Test
    void everyNameBuildsItsMethodWithAFiniteLoss() {
        TinySetup tiny = new TinySetup();
        for (String name : Methods.NAMES) {
            QaModel model = tiny.freshModel(1);
            UnlearningMethod m = Methods.create(name, PMC, model, tiny.data);
            assertEquals(name, m.name());
            assertEquals(tiny.data.forget().size(), m.forgetSize(), name);
            Tape tape = new Tape(model.decoder().parameters().backend());
            float loss = m.loss(tape, new int[] {0, 1}, new int[] {0, 1}, new UnlearningMethod.StepInfo(0, 0, 3L)).value().toHost()[0];
            assertTrue(Float.isFinite(loss), name + " loss " + loss);
        }
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        TinySetup tiny = new TinySetup();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Methods.create("forgetall", PMC, tiny.freshModel(1), tiny.data));
        assertTrue(e.getMessage().contains("forgetall") && e.getMessage().contains("simnpo"), e.getMessage());
    }
}
