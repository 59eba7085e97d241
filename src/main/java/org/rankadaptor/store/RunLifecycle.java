package org.rankadaptor.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Moves pruning runs, recovery runs and searches through {@link RunStatus}; the one place that writes a run's
 * status. Each transition is one guarded UPDATE, so two writers cannot both move the same row, and an illegal
 * move names the row and both states.
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
     * Marks RUNNING rows as INTERRUPTED when their heartbeat is older than {@code staleHeartbeat} or their owning
     * process is provably dead. A row is moved only if nobody touched its heartbeat since it was read: a live
     * job's heartbeat wins.
     *
     * @return the runs that were marked
     */
    List<RunRef> interruptAbandoned(Duration staleHeartbeat) {
        Instant now = Instant.now();
        Instant cutoff = now.minus(staleHeartbeat);
        return jdbc.withConnection("recovering abandoned runs", connection -> {
            List<RunRef> marked = new ArrayList<>();
            for (RunKind kind : RunKind.values()) {
                List<RunningRow> running = Jdbc.query(connection,
                        "SELECT t.id, h.heartbeat_at, h.owner_pid FROM " + kind.table() + " t"
                                + " LEFT JOIN run_heartbeats h ON h.run_id = t.id WHERE t.status = 'RUNNING'",
                        rs -> new RunningRow(rs.getLong("id"), Jdbc.instant(rs, "heartbeat_at"),
                                Jdbc.nullableLong(rs, "owner_pid")));
                for (RunningRow row : running) {
                    String reason = abandonReason(row, cutoff);
                    if (reason == null) {
                        continue;
                    }
                    int changed = Jdbc.update(connection, "UPDATE " + kind.table()
                                    + " SET status = ?, error = ?, updated = ?"
                                    + " WHERE id = ? AND status = ? AND (SELECT heartbeat_at FROM run_heartbeats"
                                    + " WHERE run_id = ?) IS NOT DISTINCT FROM ?",
                            RunStatus.INTERRUPTED, reason, now, row.id(), RunStatus.RUNNING, row.id(), row.heartbeat());
                    if (changed == 1) {
                        marked.add(new RunRef(kind, row.id()));
                    }
                }
            }
            return marked;
        });
    }

    private static String abandonReason(RunningRow row, Instant cutoff) {
        if (row.ownerPid() != null && !processAlive(row.ownerPid())) {
            return "interrupted: owning process " + row.ownerPid() + " is no longer running";
        }
        if (row.heartbeat() == null) {
            return "interrupted: no heartbeat recorded";
        }
        if (row.heartbeat().isBefore(cutoff)) {
            return "interrupted: last heartbeat at " + row.heartbeat();
        }
        return null;
    }

    private static boolean processAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private record RunningRow(long id, Instant heartbeat, Long ownerPid) {
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
