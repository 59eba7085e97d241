package org.rankadaptor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.rankadaptor.eval.EvalDataException;
import org.rankadaptor.eval.PerplexityEvaluator;
import org.rankadaptor.eval.PerplexityResult;
import org.rankadaptor.job.EvaluationRecorder;
import org.rankadaptor.job.ModelCatalog;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.CheckpointException;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;
import org.rankadaptor.lora.LoraException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code rankadaptor ppl MODEL_DIR --text FILE}: perplexity over non-overlapping windows, as LLM-Pruner. */
@Command(name = "ppl", mixinStandardHelpOptions = true,
        description = "Perplexity of a text: documents joined with a blank line, tokenised once, cut into non-overlapping windows.")
public final class PplCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "Hugging Face LLaMA checkpoint directory")
    Path modelDir;

    @Option(names = "--text", required = true, paramLabel = "FILE",
            description = "JSON Lines / JSON with a \"text\" field, or plain text (one document per line)")
    Path text;

    @picocli.CommandLine.Mixin
    WorkspaceOption store;

    @picocli.CommandLine.Mixin
    DeviceOption device;

    @Option(names = "--adapter", paramLabel = "DIR", description = "PEFT adapter directory to apply")
    Path adapterDir;

    @Option(names = "--window", paramLabel = "L", description = "tokens per window (0 = max_position_embeddings)")
    int window = PerplexityEvaluator.MODEL_WINDOW;

    @Option(names = "--limit", paramLabel = "N", description = "score at most N windows (0 = all)")
    int limit = PerplexityEvaluator.ALL_WINDOWS;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    private final AdapterLoader adapterLoader;

    public PplCommand() {
        this(AdapterLoader.discovered());
    }

    public PplCommand(AdapterLoader adapterLoader) {
        this.adapterLoader = adapterLoader;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        LlamaConfig config = CheckpointLoader.readConfig(modelDir);
        device.requireInferenceFits(config, 4, window > 0 ? window : config.maxPositionEmbeddings(),
                spec.commandLine().getErr(), "perplexity");
        try (LlamaModel model = CheckpointLoader.load(modelDir, device.placement());
             TextTokenizer tokenizer = Tokenizers.load(modelDir)) {
            LinearAdapter adapter = adapterLoader.loadOrNone(adapterDir, model);
            StageContext context = new StageContext(TerminalProgress.on(err), Interrupts.cancelCheck());
            PerplexityResult result = PerplexityEvaluator.perplexity(model, adapter, tokenizer, text, window, limit, context);
            store.open().ifPresent(ws -> {
                try (ws) {
                    EvaluationRecorder.record(ws, ModelCatalog.register(ws, modelDir).id(),
                            EvaluationRecorder.recoveryRunOf(ws, adapterDir), result);
                }
            });
            if (json) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("file", result.file());
                fields.put("perplexity", result.perplexity());
                fields.put("mean_nll", result.meanNll());
                fields.put("windows", result.windows());
                fields.put("window", result.window());
                fields.put("predicted_tokens", result.predictedTokens());
                fields.put("text_tokens", result.textTokens());
                fields.put("seconds", result.seconds());
                stdout.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(fields));
            } else {
                stdout.println(result.summary());
            }
            stdout.flush();
            return 0;
        } catch (EvalDataException | CheckpointException | LoraException | IllegalArgumentException | IllegalStateException e) {
            err.println("ppl: " + e.getMessage());
            err.flush();
            return 2;
        }
    }
}
