package org.rankadaptor.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Recovery runs and their training curves. */
public final class RecoveryRunRepository extends RunRepository<RecoveryRun> {
    private static final String COLUMNS = "id, model_id, pruning_run_id, method, label, rank_plan_json,"
            + " hyperparams_json, seed, status, adapter_path, trainable_params, error, created, updated,"
            + " heartbeat_at, owner_pid";

    RecoveryRunRepository(Workspace workspace) {
        super(workspace, RunKind.RECOVERY, COLUMNS, RecoveryRunRepository::map);
    }

    /** Stores the run as QUEUED. */
    public RecoveryRun create(NewRecoveryRun run) {
        Instant now = Instant.now();
        long id = jdbc.insert("queuing " + run.method() + " run for model " + run.modelId(),
                "INSERT INTO recovery_runs(model_id, pruning_run_id, method, label, rank_plan_json, hyperparams_json,"
                        + " seed, status, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                run.modelId(), run.pruningRunId(), run.method(), run.label(), run.rankPlanJson(),
                run.hyperparamsJson(), run.seed(), RunStatus.QUEUED, now, now);
        return get(id);
    }

    /** Records the saved adapter and how many parameters it trained. */
    public void recordResult(long id, String adapterPath, long trainableParams) {
        int changed = jdbc.update("recording result of recovery run " + id,
                "UPDATE recovery_runs SET adapter_path = ?, trainable_params = ?, updated = ? WHERE id = ?",
                adapterPath, trainableParams, Instant.now(), id);
        if (changed == 0) {
            throw missing(id);
        }
    }

    /** Replaces the rank plan, e.g. after AdaLoRA's budget reallocation. */
    public void updateRankPlan(long id, String rankPlanJson) {
        int changed = jdbc.update("updating rank plan of recovery run " + id,
                "UPDATE recovery_runs SET rank_plan_json = ?, updated = ? WHERE id = ?", rankPlanJson, Instant.now(), id);
        if (changed == 0) {
            throw missing(id);
        }
    }

    /** Logs one step; logging the same step again (a resumed run) overwrites it. */
    public void appendCurvePoint(long runId, CurveRecord point) {
        jdbc.update("logging step " + point.step() + " of recovery run " + runId,
                "MERGE INTO training_curves(run_id, step, train_loss, val_loss, lr) KEY(run_id, step)"
                        + " VALUES (?, ?, ?, ?, ?)",
                runId, point.step(), point.trainLoss(), point.valLoss(), point.learningRate());
    }

    /** The curve in step order. */
    public List<CurveRecord> curve(long runId) {
        return jdbc.query("reading training curve of recovery run " + runId,
                "SELECT step, train_loss, val_loss, lr FROM training_curves WHERE run_id = ? ORDER BY step",
                rs -> new CurveRecord(rs.getInt("step"), rs.getDouble("train_loss"),
                        Jdbc.nullableDouble(rs, "val_loss"), rs.getDouble("lr")), runId);
    }

    public List<RecoveryRun> listForPruningRun(long pruningRunId) {
        return listWhere("listing recovery runs of pruning run " + pruningRunId, "pruning_run_id = ?", pruningRunId);
    }

    static RecoveryRun map(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        String where = "recovery run " + id;
        return new RecoveryRun(id, rs.getLong("model_id"), Jdbc.nullableLong(rs, "pruning_run_id"),
                RecoveryMethod.parse(rs.getString("method"), where), rs.getString("label"),
                rs.getString("rank_plan_json"), rs.getString("hyperparams_json"), rs.getLong("seed"),
                RunStatus.parse(rs.getString("status"), where), rs.getString("adapter_path"),
                Jdbc.nullableLong(rs, "trainable_params"), rs.getString("error"), Jdbc.instant(rs, "created"),
                Jdbc.instant(rs, "updated"), Jdbc.instant(rs, "heartbeat_at"), Jdbc.nullableLong(rs, "owner_pid"));
    }
}
