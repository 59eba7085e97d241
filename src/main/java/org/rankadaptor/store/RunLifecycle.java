package org.rankadaptor.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Moves pruning runs, recovery runs and searches through {@link RunStatus}. Each transition is one guarded
 * UPDATE, so two writers cannot both move the same row, and an illegal move names the row and both states.
 */
public final class RunLifecycle {
    private static final long OWN_PID = ProcessHandle.current().pid();

    private final Jdbc jdbc;

    RunLifecycle(Workspace workspace) {
        this.jdbc = new Jdbc(workspace);
    }

    public Optional<RunStatus> status(RunRef run) {
        return jdbc.queryOne("reading status of " + run,
                "SELECT status FROM " + run.kind().table() + " WHERE id = ?",
                rs -> RunStatus.parse(rs.getString("status"), run.toString()), run.id());
    }

    /** Starts or resumes a run: RUNNING, owned by this process, heartbeat now. */
    public void markRunning(RunRef run) {
        transition(run, RunStatus.RUNNING, null);
    }

    public void markDone(RunRef run) {
        transition(run, RunStatus.DONE, null);
    }

    public void markFailed(RunRef run, String error) {
        transition(run, RunStatus.FAILED, error);
    }

    public void markCancelled(RunRef run) {
        transition(run, RunStatus.CANCELLED, null);
    }

    public void markInterrupted(RunRef run, String reason) {
        transition(run, RunStatus.INTERRUPTED, reason);
    }

    /**
     * Moves the run to {@code target} if its current state allows it.
     *
     * @throws StoreException naming the run and both states when the move is not allowed or the run is missing
     */
    public void transition(RunRef run, RunStatus target, String error) {
        Instant now = Instant.now();
        String allowed = target.allowedPredecessors().stream()
                .map(s -> "'" + s.name() + "'")
                .reduce((a, b) -> a + ", " + b)
                .orElse("''");
        int changed;
        if (target == RunStatus.RUNNING) {
            // Status and heartbeat together: a RUNNING row never lacks a fresh owner.
            changed = jdbc.inTransaction("marking " + run + " RUNNING", c -> {
                int rows = Jdbc.update(c, "UPDATE " + run.kind().table()
                                + " SET status = ?, error = NULL, updated = ? WHERE id = ? AND status IN (" + allowed + ")",
                        target, now, run.id());
                if (rows == 1) {
                    Jdbc.update(c, "MERGE INTO run_heartbeats(run_id, kind, heartbeat_at, owner_pid) KEY(run_id)"
                            + " VALUES (?, ?, ?, ?)", run.id(), run.kind(), now, OWN_PID);
                }
                return rows;
            });
        } else {
            changed = jdbc.update("marking " + run + " " + target, "UPDATE " + run.kind().table()
                            + " SET status = ?, error = ?, updated = ? WHERE id = ? AND status IN (" + allowed + ")",
                    target, error, now, run.id());
        }
        if (changed == 0) {
            RunStatus current = status(run).orElseThrow(() -> new StoreException("no " + run + " in the workspace"));
            throw new StoreException("cannot move " + run + " from " + current + " to " + target);
        }
    }

    /**
     * Records that the run is still alive. Returns false when the row is no longer RUNNING (for example it
     * was marked INTERRUPTED or CANCELLED by someone else), which a job should treat as a request to stop.
     */
    public boolean touch(RunRef run) {
        return jdbc.update("heartbeat of " + run, "UPDATE run_heartbeats SET heartbeat_at = ? WHERE run_id = ?"
                        + " AND EXISTS (SELECT 1 FROM " + run.kind().table() + " WHERE id = ? AND status = 'RUNNING')",
                Instant.now(), run.id(), run.id()) == 1;
    }

    /** Starts a daemon heartbeat for a run that is already RUNNING. */
    public Heartbeat startHeartbeat(RunRef run, Duration interval) {
        return Heartbeat.start(this, run, interval);
    }
}
