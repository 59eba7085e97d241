package org.rankadaptor.store;

import java.util.List;
import java.util.Optional;

/** All runs of every kind; run ids share one sequence, so an id alone finds its run. */
public final class RunCatalog {
    private final Jdbc jdbc;

    RunCatalog(Workspace workspace) {
        this.jdbc = new Jdbc(workspace);
    }

    /** Every run, oldest first. */
    public List<RunSummary> list() {
        String sql = "SELECT 'PRUNING' AS kind, id, model_id, estimator AS description, status, created, updated"
                + " FROM pruning_runs"
                + " UNION ALL SELECT 'RECOVERY', id, model_id, "
                + " CASE WHEN label IS NULL OR label = '' THEN method"
                + " WHEN LOWER(label) LIKE LOWER(method) || '%' THEN label ELSE method || ' ' || label END,"
                + " status, created, updated"
                + " FROM recovery_runs"
                + " UNION ALL SELECT 'SEARCH', id, model_id, objective, status, created, updated FROM searches"
                + " ORDER BY id";
        return jdbc.query("listing runs", sql, rs -> {
            long id = rs.getLong("id");
            RunKind kind = RunKind.parse(rs.getString("kind"), "run " + id);
            return new RunSummary(new RunRef(kind, id), rs.getLong("model_id"), rs.getString("description"),
                    RunStatus.parse(rs.getString("status"), "run " + id), Jdbc.instant(rs, "created"),
                    Jdbc.instant(rs, "updated"));
        });
    }

    public Optional<RunRef> find(long id) {
        for (RunKind kind : RunKind.values()) {
            boolean present = jdbc.queryOne("looking up run " + id,
                    "SELECT 1 FROM " + kind.table() + " WHERE id = ?", rs -> Boolean.TRUE, id).isPresent();
            if (present) {
                return Optional.of(new RunRef(kind, id));
            }
        }
        return Optional.empty();
    }
}
