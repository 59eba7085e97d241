package org.rankadaptor.store;

import java.time.Duration;
import java.util.Optional;

/** Lifecycle operations shared by the repositories of pruning runs, recovery runs and searches. */
public abstract class RunRepository {
    protected final Workspace workspace;
    final Jdbc jdbc;
    private final RunKind kind;
    private final RunLifecycle lifecycle;

    RunRepository(Workspace workspace, RunKind kind) {
        this.workspace = workspace;
        this.jdbc = new Jdbc(workspace);
        this.kind = kind;
        this.lifecycle = new RunLifecycle(workspace);
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
