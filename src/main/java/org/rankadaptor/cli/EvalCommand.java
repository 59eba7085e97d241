package org.rankadaptor.cli;

import org.rankadaptor.eval.BosPolicy;
import org.rankadaptor.eval.EvalResults;
import org.rankadaptor.eval.EvalSettings;
import org.rankadaptor.eval.Tasks;
import org.rankadaptor.eval.ZeroShotEvaluator;
import org.rankadaptor.job.EvaluationRecorder;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** {@code rankadaptor eval MODEL_DIR --tasks boolq,piqa,...}: lm-eval compatible zero-shot accuracy. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Zero-shot accuracy on commonsense tasks, scored as lm-evaluation-harness scores them.")
public final class EvalCommand extends ScoringCommand<EvalResults> {
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

    private Path tasksDir;
    private EvalSettings settings;

    public EvalCommand() {
        this(AdapterLoader.discovered());
    }

    public EvalCommand(AdapterLoader adapterLoader) {
        super(adapterLoader);
    }

    @Override
    void prepare(PrintWriter err) {
        tasksDir = dataDir != null ? dataDir : CliPaths.defaultTasksDir();
        Tasks.byNames(tasks); // unknown names fail before the model loads
        settings = new EvalSettings(limit, batchSize, noBos ? BosPolicy.OMIT : BosPolicy.PREPEND, maxLength);
        LlamaConfig config = CheckpointLoader.readConfig(modelDir);
        device.requireScoringFits(config, batchSize, settings.effectiveMaxLength(config.maxPositionEmbeddings()),
                err, "evaluation");
    }

    @Override
    EvalResults score(LoadedCheckpoint checkpoint, StageContext context) {
        EvalResults results = new ZeroShotEvaluator(tasksDir).evaluate(checkpoint.model(), checkpoint.adapter(),
                checkpoint.tokenizer(), tasks, settings, context);
        if (out != null) {
            results.writeJson(out);
        }
        if (perDoc != null) {
            results.writeDocsJsonl(perDoc);
        }
        return results;
    }

    @Override
    void record(Workspace ws, long modelId, Long recoveryRunId, EvalResults results) {
        EvaluationRecorder.record(ws, modelId, recoveryRunId, results);
    }

    @Override
    void print(EvalResults results, PrintWriter stdout) {
        stdout.print(json ? results.toJsonString() + System.lineSeparator() : results.table(CliSupport.plusMinus()));
    }
}
