package org.rankadaptor.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Pruning runs: queued, run, and their kept/removed groups and importance maps. */
public final class PruningRunRepository extends RunRepository<PruningRun> {
    private static final String COLUMNS = "id, model_id, plan_json, estimator, calibration_source, groups_json,"
            + " importance_json, params_before, params_after, output_model_id, status, error, created, updated,"
            + " heartbeat_at, owner_pid";

    PruningRunRepository(Workspace workspace) {
        super(workspace, RunKind.PRUNING, COLUMNS, PruningRunRepository::map);
    }

    /** Stores the run as QUEUED. */
    public PruningRun create(NewPruningRun run) {
        Instant now = Instant.now();
        long id = jdbc.insert("queuing pruning run for model " + run.modelId(),
                "INSERT INTO pruning_runs(model_id, plan_json, estimator, calibration_source, status, created, updated)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                run.modelId(), run.planJson(), run.estimator(), run.calibrationSource(), RunStatus.QUEUED, now, now);
        return get(id);
    }

    public void recordResult(long id, PruningRecord result) {
        int changed = jdbc.update("recording result of pruning run " + id,
                "UPDATE pruning_runs SET groups_json = ?, importance_json = ?, params_before = ?, params_after = ?,"
                        + " output_model_id = ?, updated = ? WHERE id = ?",
                result.groupsJson(), result.importanceJson(), result.paramsBefore(), result.paramsAfter(),
                result.outputModelId(), Instant.now(), id);
        if (changed == 0) {
            throw missing(id);
        }
    }

    private static PruningRun map(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        return new PruningRun(id, rs.getLong("model_id"), rs.getString("plan_json"), rs.getString("estimator"),
                rs.getString("calibration_source"), rs.getString("groups_json"), rs.getString("importance_json"),
                Jdbc.nullableLong(rs, "params_before"), Jdbc.nullableLong(rs, "params_after"),
                Jdbc.nullableLong(rs, "output_model_id"),
                RunStatus.parse(rs.getString("status"), "pruning run " + id), rs.getString("error"),
                Jdbc.instant(rs, "created"), Jdbc.instant(rs, "updated"), Jdbc.instant(rs, "heartbeat_at"),
                Jdbc.nullableLong(rs, "owner_pid"));
    }
}
