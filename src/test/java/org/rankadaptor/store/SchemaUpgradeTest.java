package org.rankadaptor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaUpgradeTest {
    @TempDir
    Path dir;

    @Test
    void versionOneWorkspaceUpgradesInPlaceKeepingItsData() throws SQLException {
        long modelId;
        long searchId;
        long runId;
        try (Workspace v1 = Workspace.openAtSchemaVersion(dir, 1)) {
            assertEquals(1, v1.schemaVersion());
            try (Connection c = v1.connection()) {
                assertFalse(hasTable(c, "EXPORTS"), "V1 must not have V2 tables");
                assertFalse(hasTable(c, "RUN_HEARTBEATS"), "V1 must not have heartbeats");
                // Write rows using only V1 columns, as an old build would have.
                modelId = Jdbc.insert(c, "INSERT INTO models(path, name, param_count, created) VALUES (?, ?, ?, ?)",
                        "/models/old", "old", 77L, Instant.now());
                searchId = Jdbc.insert(c, "INSERT INTO searches(model_id, space_json, objective, status, created,"
                        + " updated) VALUES (?, ?, ?, ?, ?, ?)", modelId, "{}", "mean_acc", "RUNNING", Instant.now(),
                        Instant.now());
                Jdbc.update(c, "INSERT INTO search_iterations(search_id, iteration, rank_vector_json, seconds, created)"
                        + " VALUES (?, 0, '[8,8]', 1.5, ?)", searchId, Instant.now());
                runId = Jdbc.insert(c, "INSERT INTO recovery_runs(model_id, method, label, seed, status, created,"
                        + " updated) VALUES (?, 'LORA', 'old-lora', 1, 'DONE', ?, ?)", modelId, Instant.now(),
                        Instant.now());
            }
        }
        try (Workspace current = Workspace.open(dir)) {
            assertEquals(Schema.CURRENT_VERSION, current.schemaVersion());
            try (Connection c = current.connection()) {
                assertTrue(hasTable(c, "EXPORTS"));
                assertTrue(hasTable(c, "PERF_MODEL_SNAPSHOTS"));
                assertTrue(hasTable(c, "RUN_HEARTBEATS"));
                assertTrue(hasTable(c, "SEARCH_PROPOSALS"));
                List<Integer> versions = Jdbc.query(c, "SELECT version FROM schema_version ORDER BY version",
                        rs -> rs.getInt(1));
                assertTrue(hasTable(c, "EVALUATION_ITEMS"));
                assertEquals(List.of(1, 2, 3, 4), versions);
            }
            assertEquals("/models/old", current.models().get(modelId).path());
            assertEquals(RecoveryMethod.LORA, current.recoveryRuns().get(runId).method());
            // The V1 search was RUNNING with no heartbeat: after upgrade it is recognised as abandoned.
            assertEquals(List.of(new RunRef(RunKind.SEARCH, searchId)), current.interruptedOnOpen());
            assertEquals(RunStatus.INTERRUPTED, current.searches().get(searchId).status());
            assertEquals(1, current.searches().nextIterationIndex(searchId));
            current.searches().saveSnapshot(searchId, 0, "mlp", new byte[] {9});
            current.exports().add("peft-ranks", null, "{}", new RunRef(RunKind.RECOVERY, runId));
        }
        // Opening again applies nothing more.
        try (Workspace again = Workspace.open(dir); Connection c = again.connection()) {
            assertEquals(Schema.MIGRATIONS.size(), Jdbc.query(c, "SELECT COUNT(*) FROM schema_version",
                    rs -> rs.getInt(1)).get(0));
        }
    }

    @Test
    void migrationCutShortByACrashIsCompletedOnNextOpen() throws SQLException {
        try (Workspace v1 = Workspace.openAtSchemaVersion(dir, 1); Connection c = v1.connection()) {
            // H2 commits DDL one statement at a time: a kill part-way leaves some of V2 applied, unrecorded.
            for (String sql : Schema.V2.statements().subList(0, 4)) {
                Jdbc.update(c, sql);
            }
        }
        try (Workspace current = Workspace.open(dir); Connection c = current.connection()) {
            assertEquals(Schema.CURRENT_VERSION, current.schemaVersion());
            assertTrue(hasColumn(c, "RUN_HEARTBEATS", "OWNER_PID"));
            assertTrue(hasTable(c, "EXPORTS"));
        }
    }

    @Test
    void workspaceFromANewerBuildIsRefused() throws SQLException {
        try (Workspace workspace = Workspace.open(dir); Connection c = workspace.connection()) {
            Jdbc.update(c, "INSERT INTO schema_version(version, description, applied_at) VALUES (99, 'future', ?)",
                    Instant.now());
        }
        StoreException e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class,
                () -> Workspace.open(dir).close());
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
    }

    private static boolean hasTable(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, "PUBLIC", table, null)) {
            return rs.next();
        }
    }

    private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        try (ResultSet rs = c.getMetaData().getColumns(null, "PUBLIC", table, column)) {
            return rs.next();
        }
    }

}
