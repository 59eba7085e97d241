package org.rankadaptor.job;

import org.rankadaptor.eval.EvalResults;
import org.rankadaptor.eval.PerplexityResult;
import org.rankadaptor.eval.TaskResult;
import org.rankadaptor.store.NewEvaluation;
import org.rankadaptor.store.Workspace;

import java.nio.file.Path;

/** Stores evaluation results against a model and, when a recovery run produced the adapter, that run. */
public final class EvaluationRecorder {
    /** Task name under which perplexity on a text file is stored: "ppl:" + file name. */
    public static final String PERPLEXITY_PREFIX = "ppl:";

    private EvaluationRecorder() {
    }

    public static void record(Workspace ws, long modelId, Long recoveryRunId, EvalResults results) {
        for (TaskResult t : results.tasks()) {
            ws.evaluations().add(new NewEvaluation(recoveryRunId, modelId, t.task(), t.n(), finite(t.acc()),
                    finite(t.accStderr()), t.accNorm().isPresent() ? finite(t.accNorm().getAsDouble()) : null,
                    t.accNormStderr().isPresent() ? finite(t.accNormStderr().getAsDouble()) : null, null));
        }
    }

    public static void record(Workspace ws, long modelId, Long recoveryRunId, PerplexityResult result) {
        String name = Path.of(result.file()).getFileName().toString();
        ws.evaluations().add(new NewEvaluation(recoveryRunId, modelId, PERPLEXITY_PREFIX + name,
                (int) Math.min(Integer.MAX_VALUE, result.predictedTokens()), null, null, null, null, result.perplexity()));
    }

    /** The recovery run that wrote this adapter directory, when the store knows it. */
    public static Long recoveryRunOf(Workspace ws, Path adapterDir) {
        if (adapterDir == null) {
            return null;
        }
        String path = adapterDir.toAbsolutePath().normalize().toString();
        return ws.recoveryRuns().list().stream()
                .filter(r -> r.adapterPath() != null && Path.of(r.adapterPath()).normalize().toString().equals(path))
                .map(r -> r.id()).reduce((a, b) -> b).orElse(null);
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
