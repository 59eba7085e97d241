package org.rankadaptor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {
    @TempDir
    Path dir;

    @Test
    void directoryComesFromArgumentThenEnvironmentThenHome() {
        Path explicit = Path.of("/tmp/explicit");
        assertEquals(explicit, Workspace.resolveDirectory(explicit, Map.of(Workspace.ENV_VAR, "/tmp/env")));
        assertEquals(Path.of("/tmp/env"), Workspace.resolveDirectory(null, Map.of(Workspace.ENV_VAR, "/tmp/env")));
        assertEquals(Path.of(System.getProperty("user.home"), ".rankadaptor"),
                Workspace.resolveDirectory(null, Map.of()));
    }

    @Test
    void newWorkspaceIsAtCurrentSchemaWithDurableUrl() {
        try (Workspace workspace = Workspace.open(dir)) {
            assertEquals(Schema.CURRENT_VERSION, workspace.schemaVersion());
            assertTrue(workspace.jdbcUrl().contains("WRITE_DELAY=0"), workspace.jdbcUrl());
            assertTrue(workspace.jdbcUrl().contains("AUTO_SERVER=TRUE"), workspace.jdbcUrl());
            assertTrue(Files.exists(workspace.databaseFile()));
        }
    }

    @Test
    void everythingWrittenIsThereAfterReopen() {
        long modelId;
        long recoveryId;
        long searchId;
        try (Workspace workspace = Workspace.open(dir)) {
            ModelRecord model = StoreFixtures.model(workspace, "/models/llama");
            modelId = model.id();
            PruningRun pruning = workspace.pruningRuns().create(
                    new NewPruningRun(modelId, "{\"ratio\":0.2}", "taylor", "bookcorpus:10"));
            ModelRecord pruned = workspace.models().add(new NewModel("/models/pruned", "pruned", "{}", "p", 800));
            workspace.pruningRuns().recordResult(pruning.id(),
                    new PruningRecord("{\"0\":[1,2]}", "{\"0\":[0.1,0.2]}", 1000, 800, pruned.id()));
            RecoveryRun run = workspace.recoveryRuns().create(new NewRecoveryRun(pruned.id(), pruning.id(),
                    RecoveryMethod.RANKADAPTOR, "ra-1", "[8,4]", "{\"lr\":0.0003}", 42));
            recoveryId = run.id();
            workspace.recoveryRuns().appendCurvePoint(recoveryId, new CurveRecord(1, 2.5, null, 3e-4));
            workspace.recoveryRuns().appendCurvePoint(recoveryId, new CurveRecord(2, 2.0, 2.2, 3e-4));
            workspace.recoveryRuns().appendCurvePoint(recoveryId, new CurveRecord(2, 1.9, 2.1, 3e-4));
            workspace.recoveryRuns().recordResult(recoveryId, "/adapters/ra-1", 12345);
            workspace.evaluations().add(new NewEvaluation(recoveryId, pruned.id(), "piqa", 100, 0.7, 0.01, 0.72,
                    0.01, null));
            searchId = StoreFixtures.search(workspace, modelId).id();
            workspace.searches().recordIteration(searchId, StoreFixtures.iteration(0), "mlp-f32", new byte[] {1, 2, 3});
            workspace.exports().add("peft-ranks", "/out/ranks.json", "{\"r\":8}", new RunRef(RunKind.SEARCH, searchId));
        }
        try (Workspace workspace = Workspace.open(dir)) {
            assertEquals("/models/llama", workspace.models().get(modelId).path());
            RecoveryRun run = workspace.recoveryRuns().get(recoveryId);
            assertEquals(RecoveryMethod.RANKADAPTOR, run.method());
            assertEquals(12345L, run.trainableParams());
            List<CurveRecord> curve = workspace.recoveryRuns().curve(recoveryId);
            assertEquals(List.of(new CurveRecord(1, 2.5, null, 3e-4), new CurveRecord(2, 1.9, 2.1, 3e-4)), curve);
            assertEquals(0.72, workspace.evaluations().listForRun(recoveryId).get(0).accNorm());
            assertEquals(1, workspace.searches().completedIterations(searchId).size());
            PerfModelSnapshot snapshot = workspace.searches().latestSnapshot(searchId).orElseThrow();
            assertEquals("mlp-f32", snapshot.format());
            assertEquals(3, snapshot.weights().length);
            assertEquals("{\"r\":8}", workspace.exports()
                    .listForSource(new RunRef(RunKind.SEARCH, searchId)).get(0).contentJson());
            assertEquals(RunKind.RECOVERY, workspace.runs().find(recoveryId).orElseThrow().kind());
            assertEquals(3, workspace.runs().list().size());
        }
    }

    @Test
    void duplicateIterationIsRefusedWithResumeHint() {
        try (Workspace workspace = Workspace.open(dir)) {
            long searchId = StoreFixtures.search(workspace, StoreFixtures.model(workspace, "/m").id()).id();
            workspace.searches().recordIteration(searchId, StoreFixtures.iteration(0));
            StoreException e = assertThrows(StoreException.class,
                    () -> workspace.searches().recordIteration(searchId, StoreFixtures.iteration(0)));
            assertTrue(e.getMessage().contains("iteration 0 of search " + searchId + " is already recorded; resume at 1"),
                    e.getMessage());
        }
    }

    @Test
    void openExistingRefusesAMissingWorkspaceWithoutCreatingOne() {
        Path missing = dir.resolve("nothing-here");
        StoreException e = assertThrows(StoreException.class, () -> Workspace.openExisting(missing));
        assertTrue(e.getMessage().contains("no workspace database at"), e.getMessage());
        assertTrue(Files.notExists(missing.resolve("workspace.mv.db")));
    }
}
