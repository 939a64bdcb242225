package dev.pmcj.pmc.unlearn;

import dev.pmcj.pmc.fixtures.TinySetup;
import dev.pmcj.autograd.Tape;
import dev.pmcj.pmc.data.ForgetQuestions;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.model.QaModel;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PMC's input type holds questions only; this test gives the forget items answers that contain a
 * sentinel word, runs PMC steps, and then searches everything PMC holds for that word.
 */
class PmcNeverSeesForgetAnswersTest {
    private static final String SENTINEL = "Xylophonequartz";

    @Test
    void noForgetAnswerTextReachesPmc() throws IllegalAccessException {
        TinySetup tiny = new TinySetup();
        List<QaItem> forget = new ArrayList<>();
        for (QaItem q : tiny.data.forget()) {
            forget.add(new QaItem(q.question(), SENTINEL + " " + q.answer(), q.paraphrasedQuestion(), q.paraphrasedAnswer(),
                    q.perturbedAnswers(), q.group(), q.kind()));
        }
        ForgetQuestions questions = ForgetQuestions.of(forget);
        assertEquals(1, ForgetQuestions.class.getRecordComponents().length, "ForgetQuestions carries one component");
        assertEquals("questions", ForgetQuestions.class.getRecordComponents()[0].getName());

        QaModel model = tiny.freshModel(5);
        PmcConfig config = new PmcConfig(1f, 1f, 0.95f, 2, 1, 2, 1, 40, 1e-3f, 0f, new Selection.Argmin(), 0);
        Pmc pmc = new Pmc(config, model, questions, tiny.data.retain());
        for (int step = 0; step < 2; step++) {
            Tape tape = new Tape(model.decoder().parameters().backend());
            pmc.loss(tape, new int[]{step, step + 1}, new int[]{0, 1}, new UnlearningMethod.StepInfo(0, step, 1L));
        }
        assertTrue(pmc.cache().get(0) != null, "PMC sampled and cached candidates");
        List<String> reachable = new ArrayList<>();
        collectStrings(pmc, new IdentityHashMap<>(), reachable, 0);
        assertFalse(reachable.isEmpty(), "the search sees PMC's strings (questions, initial answers, cache)");
        for (String s : reachable) assertFalse(s.contains(SENTINEL), "forget answer text found inside PMC: " + s);
    }

    /** Every String reachable from {@code o} through fields, arrays and collections within this project. */
    private static void collectStrings(Object o, Map<Object, Boolean> seen, List<String> out, int depth) throws IllegalAccessException {
        if (o == null || depth > 12 || seen.put(o, true) != null) return;
        if (o instanceof String s) {
            out.add(s);
            return;
        }
        if (o instanceof Collection<?> c) {
            for (Object e : c) collectStrings(e, seen, out, depth + 1);
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                collectStrings(e.getKey(), seen, out, depth + 1);
                collectStrings(e.getValue(), seen, out, depth + 1);
            }
            return;
        }
        if (o instanceof Object[] a) {
            for (Object e : a) collectStrings(e, seen, out, depth + 1);
            return;
        }
        Class<?> type = o.getClass();
        if (!type.getName().startsWith("dev.pmcj.pmc")) return;  // PMC's own state; the model holds only numbers
        for (Class<?> k = type; k != null && k.getName().startsWith("dev.pmcj.pmc"); k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
                f.setAccessible(true);
                collectStrings(f.get(o), seen, out, depth + 1);
            }
        }
    }
}
