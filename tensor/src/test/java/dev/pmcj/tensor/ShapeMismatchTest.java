package dev.pmcj.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static dev.pmcj.tensor.TestTensors.B;
import static dev.pmcj.tensor.TestTensors.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad calls throw IllegalArgumentException naming the op and the shapes involved. */
class ShapeMismatchTest {

    private static void assertMessage(Executable call, String... fragments) {
        String msg = assertThrows(IllegalArgumentException.class, call).getMessage();
        for (String f : fragments) assertTrue(msg.contains(f), "message '" + msg + "' should mention '" + f + "'");
    }

    @Test
    void matmulInnerDimensions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> B.matmul(zeros(2, 3), false, zeros(4, 5), false, zeros(2, 5), false));
        assertEquals("matmul: a [2, 3] and b [4, 5]: inner dimensions 3 and 4 differ", e.getMessage());
    }

    @Test
    void matmulOutputAndBatch() {
        assertMessage(() -> B.matmul(zeros(2, 3), false, zeros(3, 5), false, zeros(2, 4), false),
                "matmul", "a [2, 3]", "c [2, 4]", "[2, 5]");
        assertMessage(() -> B.matmul(zeros(2, 2, 3), false, zeros(3, 3, 5), false, zeros(2, 2, 5), false),
                "matmul", "a [2, 2, 3]", "b [3, 3, 5]", "batch");
        assertMessage(() -> B.matmul(zeros(3), false, zeros(3, 5), false, zeros(1, 5), false), "matmul", "a [3]", "2 axes");
    }

    @Test
    void elementwise() {
        assertMessage(() -> B.unary(UnaryOp.EXP, zeros(2, 3), zeros(3, 2)), "unary EXP", "x [2, 3]", "out [3, 2]");
        assertMessage(() -> B.binary(BinaryOp.ADD, zeros(2, 3), zeros(4), zeros(2, 3)), "binary ADD", "a [2, 3]",
                "b [4]", "out [2, 3]");
        assertMessage(() -> B.copy(zeros(2, 3), zeros(6)), "copy", "src [2, 3]", "dst [6]");
        assertMessage(() -> B.sumTo(zeros(2, 3), zeros(2), false), "sumTo", "x [2, 3]", "out [2]");
        assertMessage(() -> B.reduce(ReduceOp.SUM, zeros(2, 3), 1, zeros(2)), "reduce SUM", "x [2, 3]", "out [2]", "[2, 1]");
        assertMessage(() -> B.unaryBackward(UnaryOp.TANH, zeros(3), zeros(3), zeros(3), zeros(4), true),
                "unaryBackward TANH", "x [3]", "dx [4]");
    }

    @Test
    void lastAxisKernels() {
        assertMessage(() -> B.layerNorm(zeros(2, 4), zeros(3), null, 1e-5f, zeros(2, 4), zeros(2), zeros(2)),
                "layerNorm", "x [2, 4]", "gamma [3]", "[4]");
        assertMessage(() -> B.rmsNorm(zeros(2, 4), zeros(4), 1e-5f, zeros(2, 4), zeros(4)), "rmsNorm", "x [2, 4]",
                "rstd [4]", "[2]");
        assertMessage(() -> B.softmaxBackward(zeros(2, 4), zeros(2, 4), zeros(4, 2)), "softmaxBackward", "y [2, 4]",
                "dx [4, 2]");
    }

    @Test
    void transformerKernels() {
        assertMessage(() -> B.attention(zeros(1, 2, 3, 4), zeros(1, 2, 2, 4), zeros(1, 2, 2, 4), new int[]{0, 1},
                zeros(1, 2, 3, 4), zeros(1, 3, 2)), "attention", "q [1, 2, 3, 4]", "k [1, 2, 2, 4]", "multiple");
        assertMessage(() -> B.attention(zeros(1, 2, 2, 4), zeros(1, 2, 2, 4), zeros(1, 2, 2, 4), new int[]{0, 2},
                zeros(1, 2, 2, 4), zeros(1, 2, 2)), "attention", "qPos[1] = 2", "k [1, 2, 2, 4]");
        assertMessage(() -> B.attention(zeros(1, 2, 2, 4), zeros(1, 2, 2, 4), zeros(1, 2, 2, 4), new int[]{0, 1},
                zeros(1, 2, 2, 4), zeros(1, 2, 1)), "attention", "q [1, 2, 2, 4]", "lse [1, 2, 1]", "[1, 2, 2]");
        Tensor wide = zeros(1, 2, 12);
        assertMessage(() -> B.attention(wide.unflatten(2, 3, 4), zeros(1, 2, 2, 4), zeros(1, 2, 2, 4), new int[]{0, 1},
                zeros(1, 2, 3, 4), zeros(1, 3, 2)), "attention", "q [1, 2, 3, 4]", "k [1, 2, 2, 4]", "multiple");
        assertMessage(() -> B.attention(wide.unflatten(2, 4, 3).transpose(2, 3), zeros(1, 2, 2, 3), zeros(1, 2, 2, 3),
                new int[]{0, 1}, zeros(1, 2, 3, 4), zeros(1, 4, 2)), "attention", "q [1, 2, 3, 4]", "heads contiguously");
        Tensor overlapping = new Tensor(B, zeros(16).storage(), Shape.of(1, 2, 2, 4), new int[]{16, 4, 4, 1}, 0);
        assertMessage(() -> B.attentionBackward(zeros(1, 2, 2, 4), zeros(1, 2, 2, 4), zeros(1, 2, 2, 4), new int[]{0, 1},
                zeros(1, 2, 2, 4), zeros(1, 2, 2), zeros(1, 2, 2, 4), overlapping, zeros(1, 2, 2, 4), zeros(1, 2, 2, 4)),
                "attentionBackward", "dq [1, 2, 2, 4]", "overlapping rows");
        assertMessage(() -> B.rope(zeros(2, 1, 3), new int[]{0, 1}, 1e4f, zeros(2, 1, 3)), "rope", "x [2, 1, 3]", "even");
        assertMessage(() -> B.embedding(zeros(4, 2), new int[]{1, 4}, zeros(2, 2)), "embedding", "ids[1] = 4",
                "table [4, 2]");
        assertMessage(() -> B.crossEntropy(zeros(2, 3), new int[]{0, 3}, 0f, zeros(2)), "crossEntropy",
                "targets[1] = 3", "logits [2, 3]");
        assertMessage(() -> B.crossEntropy(zeros(2, 3), new int[]{0}, 0f, zeros(2)), "crossEntropy", "targets", "logits [2, 3]");
        assertMessage(() -> B.embeddingBackward(zeros(3, 2), new int[]{0, 1}, zeros(4, 2)), "embeddingBackward",
                "dtable [4, 2]", "dout [3, 2]");
        assertMessage(() -> B.crossEntropyBackward(zeros(2, 3), new int[]{0, 1}, 0f, zeros(3), zeros(2, 3)),
                "crossEntropyBackward", "logits [2, 3]", "dlosses [3]");
    }

    @Test
    void optimizersAndLayouts() {
        assertMessage(() -> B.adamW(zeros(4), zeros(4), zeros(3), zeros(4), new AdamWParams(1, 0.9f, 0.99f, 1e-8f, 0, 1)),
                "adamW", "param [4]", "m [3]");
        assertMessage(() -> B.sgd(zeros(4), zeros(5), zeros(4), 1, 0, 0), "sgd", "param [4]", "grad [5]");
        assertMessage(() -> B.softmax(zeros(2, 3).transpose(0, 1), zeros(3, 2)), "softmax", "x [3, 2]", "contiguous");
        assertMessage(() -> B.fromHost(new float[5], Shape.of(2, 3)), "fromHost", "[2, 3]");
    }
}
