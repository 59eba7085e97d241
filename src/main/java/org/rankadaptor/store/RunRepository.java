package org.rankadaptor.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the repositories of pruning runs, recovery runs and searches share: reading their rows (with the heartbeat
 * from its own table, see {@link Schema}) and moving them through {@link RunLifecycle}.
 *
 * @param <T> the run record one row maps to
 */
public abstract class RunRepository<T> {
    protected final Workspace workspace;
    final Jdbc jdbc;
    private final RunKind kind;
    private final RunLifecycle lifecycle;
    private final String select;
    private final Jdbc.RowMapper<T> mapper;

    /**
     * @param columns the columns {@code mapper} reads, from the run table and run_heartbeats
     */
    RunRepository(Workspace workspace, RunKind kind, String columns, Jdbc.RowMapper<T> mapper) {
        this.workspace = workspace;
        this.jdbc = new Jdbc(workspace);
        this.kind = kind;
        this.lifecycle = new RunLifecycle(workspace);
        this.select = "SELECT " + columns + " FROM " + kind.table() + " LEFT JOIN run_heartbeats ON run_id = id";
        this.mapper = mapper;
    }

    public Optional<T> find(long id) {
        return jdbc.queryOne("reading " + kind.displayName() + " " + id, select + " WHERE id = ?", mapper, id);
    }

    public T get(long id) {
        return find(id).orElseThrow(() -> missing(id));
    }

    /** Every run of this kind, oldest first. */
    public List<T> list() {
        return listWhere("listing " + kind.pluralName(), "TRUE");
    }

    /** The runs of this kind on model {@code modelId}, oldest first. */
    public List<T> listForModel(long modelId) {
        return listWhere("listing " + kind.pluralName() + " of model " + modelId, "model_id = ?", modelId);
    }

    /** The runs whose row meets the SQL {@code condition}, oldest first; {@code what} names the read in errors. */
    List<T> listWhere(String what, String condition, Object... params) {
        return jdbc.query(what, select + " WHERE " + condition + " ORDER BY id", mapper, params);
    }

    public RunRef ref(long id) {
        return new RunRef(kind, id);
    }

    public Optional<RunStatus> status(long id) {
        return lifecycle.status(ref(id));
    }

    /** Starts, retries or resumes the run in this process. */
    public void markRunning(long id) {
        lifecycle.markRunning(ref(id));
    }

    public void markDone(long id) {
        lifecycle.markDone(ref(id));
    }

    public void markFailed(long id, String error) {
        lifecycle.markFailed(ref(id), error);
    }

    public void markCancelled(long id) {
        lifecycle.markCancelled(ref(id));
    }

    public void markInterrupted(long id, String reason) {
        lifecycle.markInterrupted(ref(id), reason);
    }

    /** Heartbeat now; false when the row is no longer RUNNING. */
    public boolean touch(long id) {
        return lifecycle.touch(ref(id));
    }

    public Heartbeat startHeartbeat(long id, Duration interval) {
        return lifecycle.startHeartbeat(ref(id), interval);
    }

    StoreException missing(long id) {
        return new StoreException("no " + kind.displayName() + " with id " + id + " in " + workspace.databaseFile());
    }
}
