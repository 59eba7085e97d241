package org.rankadaptor.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Zero-shot evaluation results and the method comparison built from them. */
public final class EvaluationRepository {
    private static final String COLUMNS = "id, run_id, model_id, task, n, acc, acc_stderr, acc_norm, acc_norm_stderr,"
            + " perplexity, created";

    private final Workspace workspace;
    private final Jdbc jdbc;

    EvaluationRepository(Workspace workspace) {
        this.workspace = workspace;
        this.jdbc = new Jdbc(workspace);
    }

    public Evaluation add(NewEvaluation e) {
        long id = jdbc.insert("storing evaluation of task " + e.task() + " for model " + e.modelId(),
                "INSERT INTO evaluations(run_id, model_id, task, n, acc, acc_stderr, acc_norm, acc_norm_stderr,"
                        + " perplexity, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                e.runId(), e.modelId(), e.task(), e.n(), e.acc(), e.accStderr(), e.accNorm(), e.accNormStderr(),
                e.perplexity(), Instant.now());
        return jdbc.queryOne("reading evaluation " + id, "SELECT " + COLUMNS + " FROM evaluations WHERE id = ?",
                EvaluationRepository::map, id).orElseThrow();
    }

    /** Per-item scores of an evaluation under {@code metric} ("acc", "acc_norm", "nll"), item i at index i. */
    public void addItems(long evaluationId, String metric, double[] scores) {
        jdbc.inTransaction("storing " + scores.length + " " + metric + " item scores of evaluation " + evaluationId, c -> {
            try (java.sql.PreparedStatement st = c.prepareStatement(
                    "INSERT INTO evaluation_items(evaluation_id, metric, item, score) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < scores.length; i++) {
                    st.setLong(1, evaluationId);
                    st.setString(2, metric);
                    st.setInt(3, i);
                    st.setDouble(4, scores[i]);
                    st.addBatch();
                }
                st.executeBatch();
            }
            return null;
        });
    }

    /** The item scores stored for an evaluation, in item order; empty when none were kept. */
    public double[] items(long evaluationId, String metric) {
        return jdbc.query("reading " + metric + " item scores of evaluation " + evaluationId,
                "SELECT score FROM evaluation_items WHERE evaluation_id = ? AND metric = ? ORDER BY item",
                rs -> rs.getDouble(1), evaluationId, metric).stream().mapToDouble(Double::doubleValue).toArray();
    }

    public List<Evaluation> listForRun(long runId) {
        return jdbc.query("reading evaluations of recovery run " + runId,
                "SELECT " + COLUMNS + " FROM evaluations WHERE run_id = ? ORDER BY task, id",
                EvaluationRepository::map, runId);
    }

    /** Every evaluation, newest first (the History screen). */
    public List<Evaluation> list() {
        return jdbc.query("reading evaluations", "SELECT " + COLUMNS + " FROM evaluations ORDER BY id DESC",
                EvaluationRepository::map);
    }

    /** Evaluations of the bare model (no adapter). */
    public List<Evaluation> listForUntunedModel(long modelId) {
        return jdbc.query("reading evaluations of model " + modelId,
                "SELECT " + COLUMNS + " FROM evaluations WHERE model_id = ? AND run_id IS NULL ORDER BY task, id",
                EvaluationRepository::map, modelId);
    }

    /**
     * Builds the method comparison for a model: every recovery run trained on it, or on a pruning of it, and
     * (if given) only those from {@code pruningRunId}. First come "w/o tuning" rows for the untuned model and
     * the pruned models in scope that have evaluations. Per task the newest evaluation wins.
     */
    public ComparisonTable compare(long modelId, Long pruningRunId, ComparisonMetric metric) {
        ModelRecord model = workspace.models().get(modelId);
        // Untuned rows: the model itself, plus every pruned output model in scope ("w/o tuning" in Table 2).
        List<Long> untunedModels = new ArrayList<>();
        List<RecoveryRun> runs;
        if (pruningRunId != null) {
            PruningRun pruning = workspace.pruningRuns().get(pruningRunId);
            if (pruning.modelId() != modelId && !Long.valueOf(modelId).equals(pruning.outputModelId())) {
                throw new StoreException("pruning run " + pruningRunId + " did not prune model " + modelId
                        + " (it pruned model " + pruning.modelId() + ")");
            }
            untunedModels.add(pruning.modelId()); // the unpruned model: what pruning and recovery are measured against
            untunedModels.add(pruning.outputModelId() != null ? pruning.outputModelId() : model.id());
            runs = workspace.recoveryRuns().listForPruningRun(pruningRunId);
        } else {
            // the model this one was pruned from, first: the unpruned baseline row
            for (PruningRun pruning : workspace.pruningRuns().list()) {
                if (Long.valueOf(modelId).equals(pruning.outputModelId()) && !untunedModels.contains(pruning.modelId())) {
                    untunedModels.add(pruning.modelId());
                }
            }
            untunedModels.add(model.id());
            for (PruningRun pruning : workspace.pruningRuns().listForModel(modelId)) {
                if (pruning.outputModelId() != null && !untunedModels.contains(pruning.outputModelId())) {
                    untunedModels.add(pruning.outputModelId());
                }
            }
            runs = jdbc.query("listing recovery runs of model " + modelId,
                    "SELECT r.*, h.heartbeat_at, h.owner_pid FROM recovery_runs r"
                            + " LEFT JOIN pruning_runs p ON r.pruning_run_id = p.id"
                            + " LEFT JOIN run_heartbeats h ON h.run_id = r.id"
                            + " WHERE r.model_id = ? OR p.model_id = ? ORDER BY r.id",
                    RecoveryRunRepository::map, modelId, modelId);
        }
        List<PendingRow> pending = new ArrayList<>();
        java.util.Set<Long> prunedOutputs = new java.util.HashSet<>();
        workspace.pruningRuns().list().forEach(p -> {
            if (p.outputModelId() != null) {
                prunedOutputs.add(p.outputModelId());
            }
        });
        for (long untunedId : untunedModels.stream().distinct().toList()) {
            Map<String, Double> untuned = latestScores(listForUntunedModel(untunedId), metric);
            if (!untuned.isEmpty()) {
                String name = workspace.models().get(untunedId).name();
                String label = prunedOutputs.contains(untunedId) ? "pruned, w/o tuning: " + name : "unpruned: " + name;
                pending.add(new PendingRow("NONE", label, null, untuned,
                        latestStandardErrors(listForUntunedModel(untunedId), metric), untunedId));
            }
        }
        for (RecoveryRun run : runs) {
            Map<String, Double> scores = latestScores(listForRun(run.id()), metric);
            if (!scores.isEmpty()) {
                pending.add(new PendingRow(run.method().name(), run.label(), run.id(), scores,
                        latestStandardErrors(listForRun(run.id()), metric), null));
            }
        }
        TreeSet<String> tasks = new TreeSet<>();
        pending.forEach(p -> tasks.addAll(p.scores().keySet()));
        List<ComparisonTable.Row> rows = new ArrayList<>();
        for (PendingRow p : pending) {
            Map<String, Double> ordered = new LinkedHashMap<>();
            for (String task : tasks) {
                if (p.scores().containsKey(task)) {
                    ordered.put(task, p.scores().get(task));
                }
            }
            double average = ordered.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            Map<String, Double> errors = new LinkedHashMap<>();
            for (String task : ordered.keySet()) {
                Double se = p.standardErrors().get(task);
                if (se != null) {
                    errors.put(task, se);
                }
            }
            rows.add(new ComparisonTable.Row(p.method(), p.label(), p.runId(), ordered, average, errors, p.modelId()));
        }
        return new ComparisonTable(List.copyOf(tasks), rows);
    }

    private record PendingRow(String method, String label, Long runId, Map<String, Double> scores,
                              Map<String, Double> standardErrors, Long modelId) {
    }

    /** The harness standard error of the newest evaluation per task, where stored. */
    private static Map<String, Double> latestStandardErrors(List<Evaluation> evaluations, ComparisonMetric metric) {
        Map<String, Double> errors = new LinkedHashMap<>();
        latest(evaluations, metric).forEach((task, e) -> {
            Double se = metric.pickStandardError(e);
            if (se != null) {
                errors.put(task, se);
            }
        });
        return errors;
    }

    /** Newest evaluation per task that has the metric. */
    public static Map<String, Evaluation> latest(List<Evaluation> evaluations, ComparisonMetric metric) {
        Map<String, Evaluation> newest = new LinkedHashMap<>();
        for (Evaluation e : evaluations) {
            if (metric.pick(e) == null) {
                continue;
            }
            newest.merge(e.task(), e, (a, b) -> a.id() > b.id() ? a : b);
        }
        return newest;
    }

    /** Newest evaluation per task that has the metric. */
    private static Map<String, Double> latestScores(List<Evaluation> evaluations, ComparisonMetric metric) {
        Map<String, Evaluation> newest = new LinkedHashMap<>();
        for (Evaluation e : evaluations) {
            if (metric.pick(e) == null) {
                continue;
            }
            newest.merge(e.task(), e, (a, b) -> a.id() > b.id() ? a : b);
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        newest.forEach((task, e) -> scores.put(task, metric.pick(e)));
        return scores;
    }

    private static Evaluation map(ResultSet rs) throws SQLException {
        return new Evaluation(rs.getLong("id"), Jdbc.nullableLong(rs, "run_id"), rs.getLong("model_id"),
                rs.getString("task"), rs.getInt("n"), Jdbc.nullableDouble(rs, "acc"),
                Jdbc.nullableDouble(rs, "acc_stderr"), Jdbc.nullableDouble(rs, "acc_norm"),
                Jdbc.nullableDouble(rs, "acc_norm_stderr"), Jdbc.nullableDouble(rs, "perplexity"),
                Jdbc.instant(rs, "created"));
    }
}
