package org.rankadaptor.cli;

import org.rankadaptor.eval.BosPolicy;
import org.rankadaptor.eval.EvalDataException;
import org.rankadaptor.eval.EvalResults;
import org.rankadaptor.eval.EvalSettings;
import org.rankadaptor.eval.Tasks;
import org.rankadaptor.eval.ZeroShotEvaluator;
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
import java.util.List;
import java.util.concurrent.Callable;

/** {@code rankadaptor eval MODEL_DIR --tasks boolq,piqa,...}: lm-eval compatible zero-shot accuracy. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Zero-shot accuracy on commonsense tasks, scored as lm-evaluation-harness scores them.")
public final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "Hugging Face LLaMA checkpoint directory")
    Path modelDir;

    @picocli.CommandLine.Mixin
    WorkspaceOption store;

    @picocli.CommandLine.Mixin
    DeviceOption device;

    @Option(names = "--adapter", paramLabel = "DIR", description = "PEFT adapter directory to apply")
    Path adapterDir;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK",
            description = "comma-separated tasks (default: all of boolq,piqa,hellaswag,winogrande,arc_easy,arc_challenge,openbookqa)")
    List<String> tasks = Tasks.names();

    @Option(names = "--limit", paramLabel = "N", description = "only the first N documents of each task (0 = all)")
    int limit = EvalSettings.ALL_DOCS;

    @Option(names = "--batch-size", paramLabel = "B", description = "requests per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize = EvalSettings.DEFAULT_BATCH_SIZE;

    @Option(names = "--max-length", paramLabel = "L", description = "window in tokens (0 = max_position_embeddings)")
    int maxLength = EvalSettings.MODEL_MAX_LENGTH;

    @Option(names = "--no-bos", description = "do not prepend BOS (the older harness LLM-Pruner ships)")
    boolean noBos;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "task files <task>/<split>.jsonl (default: $RANKADAPTOR_DATA/tasks)")
    Path dataDir;

    @Option(names = "--out", paramLabel = "FILE", description = "write results JSON here")
    Path out;

    @Option(names = "--per-doc", paramLabel = "FILE", description = "write per-document scores (JSON Lines) here")
    Path perDoc;

    @Option(names = "--json", description = "print results as JSON instead of a table")
    boolean json;

    @Spec
    CommandSpec spec;

    private final AdapterLoader adapterLoader;

    public EvalCommand() {
        this(AdapterLoader.discovered());
    }

    public EvalCommand(AdapterLoader adapterLoader) {
        this.adapterLoader = adapterLoader;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        try {
            Path tasksDir = dataDir != null ? dataDir : CliPaths.defaultTasksDir();
            Tasks.byNames(tasks); // unknown names fail before the model loads
            EvalSettings settings = new EvalSettings(limit, batchSize, noBos ? BosPolicy.OMIT : BosPolicy.PREPEND, maxLength);
            LlamaConfig config = CheckpointLoader.readConfig(modelDir);
            device.requireScoringFits(config, batchSize, settings.effectiveMaxLength(config.maxPositionEmbeddings()),
                    err, "evaluation");
            try (LlamaModel model = CheckpointLoader.load(modelDir, device.placement());
                 TextTokenizer tokenizer = Tokenizers.load(modelDir)) {
                LinearAdapter adapter = adapterLoader.loadOrNone(adapterDir, model);
                StageContext context = new StageContext(TerminalProgress.on(err), Interrupts.cancelCheck());
                EvalResults results = new ZeroShotEvaluator(tasksDir).evaluate(model, adapter, tokenizer, tasks, settings, context);
                if (out != null) {
                    results.writeJson(out);
                }
                if (perDoc != null) {
                    results.writeDocsJsonl(perDoc);
                }
                recordInWorkspace(results);
                stdout.print(json ? results.toJsonString() + System.lineSeparator()
                        : results.table(CliSupport.plusMinus()));
                stdout.flush();
            }
            return 0;
        } catch (EvalDataException | CheckpointException | LoraException | IllegalArgumentException | IllegalStateException e) {
            err.println("eval: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private void recordInWorkspace(EvalResults results) {
        store.open().ifPresent(ws -> {
            try (ws) {
                long modelId = ModelCatalog.register(ws, modelDir).id();
                EvaluationRecorder.record(ws, modelId, EvaluationRecorder.recoveryRunOf(ws, adapterDir), results);
            }
        });
    }
}
