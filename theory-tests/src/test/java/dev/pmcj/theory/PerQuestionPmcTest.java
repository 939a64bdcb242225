package dev.pmcj.theory;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerQuestionPmcTest {
    @Test
    void aQuestionCannotBeBothForgetAndRetain() {
        List<Question> overlapping = List.of(
                new Question.Retain("q", Categorical.of(0.5, 0.5), new int[] {1, 1}),
                new Question.Forget("q", Categorical.of(0.5, 0.5), new double[] {0, 1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PerQuestionPmc.exact(overlapping, 4));
        assertTrue(e.getMessage().contains("disjoint"), e.getMessage());
    }

    @Test
    void retainQuestionWithMismatchedDataIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Question.Retain("q", Categorical.of(0.5, 0.5), new int[] {1, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> new Question.Retain("q", Categorical.of(0.5, 0.5), new int[] {0, 0}));
    }

    @Test
    void forgetQuestionsFollowTheirOwnCurationOnly() {
        Question.Forget f = new Question.Forget("f", Categorical.of(0.5, 0.3, 0.15, 0.05), new double[] {0, 0.4, 1, 1});
        Question.Retain r = new Question.Retain("r", Categorical.of(0.2, 0.8), new int[] {3, 1});
        List<Categorical> next = PerQuestionPmc.exact(List.of(f, r), 4).step(List.of(f.initial(), r.initial()), null);
        assertEquals(CuratedUpdate.bradleyTerry(4, f.rewards()).step(f.initial()), next.get(0));
        assertEquals(Categorical.of(0.75, 0.25), next.get(1));
    }
}
