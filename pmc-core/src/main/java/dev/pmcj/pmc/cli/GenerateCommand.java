package dev.pmcj.pmc.cli;

import dev.pmcj.tensor.Backend;
import dev.pmcj.transformer.checkpoint.Checkpoint;
import dev.pmcj.transformer.checkpoint.CheckpointLoader;
import dev.pmcj.transformer.checkpoint.Checkpoints;
import dev.pmcj.transformer.inference.InferenceSession;
import dev.pmcj.transformer.inference.SamplingConfig;
import dev.pmcj.transformer.model.Decoder;
import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code pmc generate}: continues a prompt with a checkpoint (greedy at temperature 0). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generates text from a checkpoint (llama2.c .bin, safetensors folder or GGUF), starting at BOS "
                + "followed by the prompt. Stops at EOS or after --max-new-tokens.")
public final class GenerateCommand implements Callable<Integer> {

    enum Format { text, ids }

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE|DIR", description = "Model checkpoint.")
    Path checkpoint;

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "Tokenizer file (or folder).")
    Path tokenizer;

    @Option(names = "--prompt", defaultValue = "", paramLabel = "TEXT", description = "Text to continue (default: none).")
    String prompt;

    @Option(names = "--max-new-tokens", defaultValue = "256", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T", description = "0 = greedy. Default: ${DEFAULT-VALUE}.")
    float temperature;

    @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P", description = "Nucleus mass, 1 = off. Default: ${DEFAULT-VALUE}.")
    float topP;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "0 = off. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|ids",
            description = "text: prompt and continuation; ids: generated ids on one line. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws IOException {
        Backend backend = device.backend();
        Tokenizer tok = Tokenizer.load(tokenizer);
        Decoder model;
        try (Checkpoint ckpt = CheckpointLoader.load(checkpoint)) {
            ModelConfig c = ckpt.config();
            if (tok.vocabSize() > c.vocab()) {
                throw new UserError(tokenizer + ": vocabulary of " + tok.vocabSize() + " tokens exceeds the model's " + c.vocab());
            }
            model = new Decoder(c, Decoder.newParameters(c, backend));
            Checkpoints.copyInto(ckpt, model.parameters());
        }
        int[] ids = promptIds(tok);
        int context = model.config().context();
        if (ids.length >= context) {
            throw new UserError("--prompt: " + ids.length + " tokens leave no room in the model's context of " + context);
        }
        SamplingConfig cfg = new SamplingConfig(temperature, topP, topK, seed, maxNewTokens, context, tok.eosId().orElse(-1));
        int[] generated;
        try (InferenceSession session = new InferenceSession(model, 1, (int) Math.min(context, (long) ids.length + maxNewTokens))) {
            generated = session.generate(List.of(ids), cfg).getFirst();
        }
        print(System.out, tok, generated);
        return 0;
    }

    /** BOS (or, lacking one, EOS as GPT-2 uses it) then the prompt's tokens. */
    private int[] promptIds(Tokenizer tok) {
        int[] text = tok.encode(prompt);
        int start = tok.bosId().orElse(tok.eosId().orElse(-1));
        if (start < 0) {
            if (text.length == 0) throw new UserError("--prompt: empty, and the tokenizer has neither BOS nor EOS to start from");
            return text;
        }
        int[] ids = new int[text.length + 1];
        ids[0] = start;
        System.arraycopy(text, 0, ids, 1, text.length);
        return ids;
    }

    private void print(PrintStream out, Tokenizer tok, int[] generated) {
        if (format == Format.ids) {
            out.println(Arrays.stream(generated).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
        } else {
            out.println(prompt + tok.decode(generated));
        }
        out.flush();
    }
}
