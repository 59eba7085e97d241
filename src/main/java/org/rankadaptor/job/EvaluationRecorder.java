package org.rankadaptor.job;

import org.rankadaptor.eval.DocResult;
import org.rankadaptor.eval.EvalResults;
import org.rankadaptor.eval.PerplexityResult;
import org.rankadaptor.eval.TaskResult;
import org.rankadaptor.store.NewEvaluation;
import org.rankadaptor.store.Workspace;

import java.nio.file.Path;
import java.util.List;

/** Stores evaluation results against a model and, when a recovery run produced the adapter, that run. */
public final class EvaluationRecorder {
    /** Task name under which perplexity on a text file is stored: "ppl:" + file name. */
    public static final String PERPLEXITY_PREFIX = "ppl:";
    /** Item metrics kept per evaluation: each document's acc / acc_norm, each perplexity window's NLL sum. */
    public static final String ACC_ITEMS = "acc";
    public static final String ACC_NORM_ITEMS = "acc_norm";
    public static final String NLL_ITEMS = "nll";

    private EvaluationRecorder() {
    }

    public static void record(Workspace ws, long modelId, Long recoveryRunId, EvalResults results) {
        for (TaskResult t : results.tasks()) {
            long id = ws.evaluations().add(new NewEvaluation(recoveryRunId, modelId, t.task(), t.n(), finite(t.acc()),
                    finite(t.accStderr()), t.accNorm().isPresent() ? finite(t.accNorm().getAsDouble()) : null,
                    t.accNormStderr().isPresent() ? finite(t.accNormStderr().getAsDouble()) : null, null)).id();
            // per-document outcomes, in document order, for paired tests between runs on the same documents
            List<DocResult> docs = results.docs(t.task());
            ws.evaluations().addItems(id, ACC_ITEMS, docs.stream().mapToDouble(DocResult::acc).toArray());
            if (t.accNorm().isPresent()) {
                ws.evaluations().addItems(id, ACC_NORM_ITEMS, docs.stream().mapToDouble(DocResult::accNorm).toArray());
            }
        }
    }

    public static void record(Workspace ws, long modelId, Long recoveryRunId, PerplexityResult result) {
        String name = Path.of(result.file()).getFileName().toString();
        long id = ws.evaluations().add(new NewEvaluation(recoveryRunId, modelId, PERPLEXITY_PREFIX + name,
                (int) Math.min(Integer.MAX_VALUE, result.predictedTokens()), null, null, null, null,
                result.perplexity())).id();
        if (result.windowNll().length > 0) {
            ws.evaluations().addItems(id, NLL_ITEMS, result.windowNll());
        }
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
