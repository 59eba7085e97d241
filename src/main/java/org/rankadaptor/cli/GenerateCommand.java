package org.rankadaptor.cli;

import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.GenerationSettings;
import org.rankadaptor.model.Generator;
import org.rankadaptor.model.TextTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt: greedy at temperature 0, otherwise temperature + top-p sampling.")
public class GenerateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "Hugging Face LLaMA checkpoint directory")
    Path modelDir;

    @Option(names = "--prompt", defaultValue = "", description = "Prompt text (BOS is added when the tokenizer adds it)")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "128", description = "New tokens at most (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default)")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus mass kept when sampling (default ${DEFAULT-VALUE})")
    double topP;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--adapter", paramLabel = "DIR", description = "PEFT LoRA adapter directory to apply")
    Path adapterDir;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        GenerationSettings settings = new GenerationSettings(maxTokens, temperature, topP, seed);
        device.requireInferenceFits(CheckpointLoader.readConfig(modelDir), 1, maxTokens + 64,
                new java.io.PrintWriter(System.err, true), "generation");   // stdout carries only the text
        try (LoadedCheckpoint checkpoint = LoadedCheckpoint.open(modelDir, device.placement(), AdapterLoader.PEFT,
                adapterDir)) {
            TextTokenizer tokenizer = checkpoint.tokenizer();
            long[] promptIds = tokenizer.encodePrompt(prompt);
            if (promptIds.length == 0) {
                promptIds = new long[] {tokenizer.bosId()};
            }
            long[] ids = new Generator(checkpoint.model(), checkpoint.adapter()).generate(promptIds, settings, id -> { }, Interrupts.cancelCheck());
            System.out.println(prompt + joinDecoded(tokenizer, promptIds, ids, prompt));
        }
        return 0;
    }

    /** Decodes prompt + continuation together so word boundaries render as the tokenizer means them. */
    private static String joinDecoded(TextTokenizer tokenizer, long[] promptIds, long[] newIds, String prompt) {
        long[] all = new long[promptIds.length + newIds.length];
        System.arraycopy(promptIds, 0, all, 0, promptIds.length);
        System.arraycopy(newIds, 0, all, promptIds.length, newIds.length);
        String full = tokenizer.decode(all);
        return full.startsWith(prompt) ? full.substring(prompt.length()) : " " + tokenizer.decode(newIds);
    }
}
