package org.rankadaptor.job;

import org.rankadaptor.stage.CancelledException;

import org.rankadaptor.store.Heartbeat;
import org.rankadaptor.store.RunRepository;

import java.util.function.Supplier;

/**
 * Runs a stage as a stored run: RUNNING with a heartbeat while it works, then DONE, CANCELLED or FAILED with the
 * error message. The stage's own exception is rethrown unchanged.
 */
public final class TrackedRun {
    private TrackedRun() {
    }

    public static <T> T run(RunRepository<?> runs, long runId, Supplier<T> body) {
        runs.markRunning(runId);
        try (Heartbeat heartbeat = runs.startHeartbeat(runId, Heartbeat.DEFAULT_INTERVAL)) {
            T result = body.get();
            runs.markDone(runId);
            return result;
        } catch (CancelledException e) {
            runs.markCancelled(runId);
            throw e;
        } catch (RuntimeException | Error e) {
            runs.markFailed(runId, String.valueOf(e.getMessage() == null ? e.toString() : e.getMessage()));
            throw e;
        }
    }
}
