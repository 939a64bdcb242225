package dev.pmcj.pmc.model;

/**
 * The reference code's Phi prompt: {@code "Question: " + q + "\n"} then {@code "Answer: " + a + EOS}.
 * "Answer:" belongs to the prompt here, so generation starts right at the answer text and the loss
 * covers exactly the answer's tokens and the EOS.
 */
public final class PromptFormat {
    private PromptFormat() {
    }

    public static String prompt(String question) {
        return "Question: " + question + "\nAnswer:";
    }

    public static String answer(String answer) {
        return " " + answer.strip();
    }
}
