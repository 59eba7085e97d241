package org.rankadaptor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void recoveryRunGoesQueuedRunningDone() {
        try (Workspace workspace = Workspace.open(dir)) {
            RecoveryRunRepository runs = workspace.recoveryRuns();
            long modelId = StoreFixtures.model(workspace, "/m").id();
            RecoveryRun run = runs.create(new NewRecoveryRun(modelId, null, RecoveryMethod.LORA, null, "[8]", "{}", 1));
            assertEquals(RunStatus.QUEUED, run.status());
            assertEquals("LORA", run.label());
            runs.markRunning(run.id());
            RecoveryRun running = runs.get(run.id());
            assertEquals(RunStatus.RUNNING, running.status());
            assertEquals(ProcessHandle.current().pid(), running.ownerPid());
            assertNotNull(running.heartbeat());
            runs.markDone(run.id());
            assertEquals(RunStatus.DONE, runs.get(run.id()).status());
        }
    }

    @Test
    void illegalMovesAreRefusedNamingTheRunAndStates() {
        try (Workspace workspace = Workspace.open(dir)) {
            PruningRunRepository runs = workspace.pruningRuns();
            long modelId = StoreFixtures.model(workspace, "/m").id();
            long id = runs.create(new NewPruningRun(modelId, "{}", "taylor", null)).id();
            StoreException notStarted = assertThrows(StoreException.class, () -> runs.markDone(id));
            assertEquals("cannot move pruning run " + id + " from QUEUED to DONE", notStarted.getMessage());
            runs.markRunning(id);
            runs.markFailed(id, "out of memory");
            assertEquals("out of memory", runs.get(id).error());
            runs.markRunning(id); // retry after failure
            assertEquals(null, runs.get(id).error());
            runs.markCancelled(id);
            runs.markRunning(id); // resume after Ctrl-C
            runs.markDone(id);
            assertThrows(StoreException.class, () -> runs.markRunning(id));
            StoreException missing = assertThrows(StoreException.class, () -> runs.markRunning(999_999));
            assertTrue(missing.getMessage().contains("no pruning run 999999"), missing.getMessage());
        }
    }

    @Test
    void transitionTableMatchesTheLifecycle() {
        assertTrue(RunStatus.RUNNING.canFollow(RunStatus.INTERRUPTED));
        assertTrue(RunStatus.INTERRUPTED.canFollow(RunStatus.RUNNING));
        assertFalse(RunStatus.INTERRUPTED.canFollow(RunStatus.DONE));
        assertFalse(RunStatus.RUNNING.canFollow(RunStatus.DONE));
        // a cancelled run left a checkpoint (Ctrl-C during finetune) and may be resumed
        assertTrue(RunStatus.RUNNING.canFollow(RunStatus.CANCELLED));
        assertTrue(RunStatus.CANCELLED.canFollow(RunStatus.QUEUED));
        assertTrue(RunStatus.DONE.isTerminal());
        assertFalse(RunStatus.INTERRUPTED.isTerminal());
    }

    @Test
    void staleHeartbeatBecomesInterruptedOnOpenAndFreshOneStaysRunning() throws Exception {
        long stale;
        long fresh;
        try (Workspace workspace = Workspace.open(dir)) {
            long modelId = StoreFixtures.model(workspace, "/m").id();
            stale = StoreFixtures.search(workspace, modelId).id();
            fresh = StoreFixtures.search(workspace, modelId).id();
            workspace.searches().markRunning(stale);
            workspace.searches().markRunning(fresh);
            try (Connection c = workspace.connection()) {
                Jdbc.update(c, "UPDATE run_heartbeats SET heartbeat_at = ? WHERE run_id = ?",
                        Instant.now().minus(Duration.ofMinutes(5)), stale);
            }
        }
        try (Workspace workspace = Workspace.open(dir, Duration.ofSeconds(30))) {
            assertEquals(List.of(new RunRef(RunKind.SEARCH, stale)), workspace.interruptedOnOpen());
            Search interrupted = workspace.searches().get(stale);
            assertEquals(RunStatus.INTERRUPTED, interrupted.status());
            assertTrue(interrupted.error().contains("last heartbeat"), interrupted.error());
            assertEquals(RunStatus.RUNNING, workspace.searches().get(fresh).status());
            assertEquals(List.of(interrupted.id()),
                    workspace.searches().listResumable().stream().map(Search::id).toList());
        }
    }

    @Test
    void runOwnedByADeadProcessIsInterruptedDespiteFreshHeartbeat() throws Exception {
        Process finished = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        finished.waitFor();
        long deadPid = finished.pid();
        long runId;
        try (Workspace workspace = Workspace.open(dir)) {
            long modelId = StoreFixtures.model(workspace, "/m").id();
            runId = workspace.recoveryRuns().create(
                    new NewRecoveryRun(modelId, null, RecoveryMethod.ADALORA, "a", null, null, 3)).id();
            workspace.recoveryRuns().markRunning(runId);
            try (Connection c = workspace.connection()) {
                Jdbc.update(c, "UPDATE run_heartbeats SET owner_pid = ? WHERE run_id = ?", deadPid, runId);
            }
            assertEquals(List.of(new RunRef(RunKind.RECOVERY, runId)), workspace.recoverAbandonedRuns());
            RecoveryRun run = workspace.recoveryRuns().get(runId);
            assertEquals(RunStatus.INTERRUPTED, run.status());
            assertTrue(run.error().contains(Long.toString(deadPid)), run.error());
            // Resume: RUNNING again, owned by us.
            workspace.recoveryRuns().markRunning(runId);
            assertEquals(ProcessHandle.current().pid(), workspace.recoveryRuns().get(runId).ownerPid());
            assertEquals(List.of(), workspace.recoverAbandonedRuns());
        }
    }

    @Test
    void heartbeatThreadKeepsTouchingAndNoticesCancellation() throws Exception {
        try (Workspace workspace = Workspace.open(dir)) {
            SearchRepository searches = workspace.searches();
            long id = StoreFixtures.search(workspace, StoreFixtures.model(workspace, "/m").id()).id();
            searches.markRunning(id);
            Instant first = searches.get(id).heartbeat();
            try (Heartbeat heartbeat = searches.startHeartbeat(id, Duration.ofMillis(50))) {
                Thread.sleep(300);
                Instant later = searches.get(id).heartbeat();
                assertTrue(later.isAfter(first), first + " then " + later);
                assertTrue(heartbeat.stillRunning());
                searches.markCancelled(id);
                long deadline = System.currentTimeMillis() + 2000;
                while (heartbeat.stillRunning() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertFalse(heartbeat.stillRunning(), "heartbeat must notice the row is no longer RUNNING");
                assertEquals(null, heartbeat.lastFailure());
            }
            assertFalse(searches.touch(id));
        }
    }
}
