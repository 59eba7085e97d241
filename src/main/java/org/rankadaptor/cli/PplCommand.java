package org.rankadaptor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.rankadaptor.eval.PerplexityEvaluator;
import org.rankadaptor.eval.PerplexityResult;
import org.rankadaptor.job.EvaluationRecorder;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code rankadaptor ppl MODEL_DIR --text FILE}: perplexity over non-overlapping windows, as LLM-Pruner. */
@Command(name = "ppl", mixinStandardHelpOptions = true,
        description = "Perplexity of a text: documents joined with a blank line, tokenised once, cut into non-overlapping windows.")
public final class PplCommand extends ScoringCommand<PerplexityResult> {
    @Option(names = "--text", required = true, paramLabel = "FILE",
            description = "JSON Lines / JSON with a \"text\" field, or plain text (one document per line)")
    Path text;

    @Option(names = "--window", paramLabel = "L", description = "tokens per window (0 = max_position_embeddings)")
    int window = PerplexityEvaluator.MODEL_WINDOW;

    @Option(names = "--limit", paramLabel = "N", description = "score at most N windows (0 = all)")
    int limit = PerplexityEvaluator.ALL_WINDOWS;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    public PplCommand() {
        this(AdapterLoader.discovered());
    }

    public PplCommand(AdapterLoader adapterLoader) {
        super(adapterLoader);
    }

    @Override
    void prepare(PrintWriter err) {
        LlamaConfig config = CheckpointLoader.readConfig(modelDir);
        device.requireInferenceFits(config, 4, window > 0 ? window : config.maxPositionEmbeddings(), err, "perplexity");
    }

    @Override
    PerplexityResult score(LoadedCheckpoint checkpoint, StageContext context) {
        return PerplexityEvaluator.perplexity(checkpoint.model(), checkpoint.adapter(), checkpoint.tokenizer(), text,
                window, limit, context);
    }

    @Override
    void record(Workspace ws, long modelId, Long recoveryRunId, PerplexityResult result) {
        EvaluationRecorder.record(ws, modelId, recoveryRunId, result);
    }

    @Override
    void print(PerplexityResult result, PrintWriter stdout) throws IOException {
        // 95% bootstrap interval over windows (needs at least two windows)
        org.rankadaptor.eval.Statistics.Interval interval = result.windows() < 2 ? null
                : result.interval(org.rankadaptor.eval.Statistics.LEVEL_95,
                        org.rankadaptor.eval.Statistics.DEFAULT_RESAMPLES, 1);
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
            if (interval != null) {
                fields.put("perplexity_95_lower", interval.lower());
                fields.put("perplexity_95_upper", interval.upper());
            }
            stdout.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(fields));
        } else {
            stdout.println(result.summary());
            if (interval != null) {
                stdout.printf(java.util.Locale.ROOT, "95%% bootstrap interval over the %d windows: %.4f .. %.4f%n",
                        result.windows(), interval.lower(), interval.upper());
            }
        }
    }
}
