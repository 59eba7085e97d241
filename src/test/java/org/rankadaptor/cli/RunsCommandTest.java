package org.rankadaptor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.store.CurveRecord;
import org.rankadaptor.store.NewEvaluation;
import org.rankadaptor.store.NewModel;
import org.rankadaptor.store.NewPruningRun;
import org.rankadaptor.store.NewRecoveryRun;
import org.rankadaptor.store.NewSearch;
import org.rankadaptor.store.NewSearchIteration;
import org.rankadaptor.store.PruningRecord;
import org.rankadaptor.store.RecoveryMethod;
import org.rankadaptor.store.Workspace;

/** The workspace is built once and only read by the tests, which keeps this class quick. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunsCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path dir;

    private long baseModel;
    private long pruningId;
    private long loraId;
    private long rankAdaptorId;
    private long searchId;

    @BeforeAll
    void fillWorkspace() {
        try (Workspace w = Workspace.open(dir)) {
            baseModel = w.models().add(new NewModel("/models/llama-7b", "llama-7b", "{}", "abc", 1000)).id();
            pruningId = w.pruningRuns().create(new NewPruningRun(baseModel, "{\"ratio\":0.2}", "taylor", "c4")).id();
            long pruned = w.models().add(new NewModel("/models/pruned", "pruned", "{}", "def", 800)).id();
            w.pruningRuns().markRunning(pruningId);
            w.pruningRuns().recordResult(pruningId, new PruningRecord("{}", "{}", 1000, 800, pruned));
            w.pruningRuns().markDone(pruningId);
            loraId = w.recoveryRuns().create(new NewRecoveryRun(pruned, pruningId, RecoveryMethod.LORA, "r8",
                    "{\"q_proj\":8}", "{\"lr\":0.0001}", 42)).id();
            rankAdaptorId = w.recoveryRuns().create(new NewRecoveryRun(pruned, pruningId,
                    RecoveryMethod.RANKADAPTOR, "searched", "{\"q_proj\":[4,8]}", "{}", 42)).id();
            w.recoveryRuns().appendCurvePoint(loraId, new CurveRecord(10, 2.25, 2.5, 1e-4));
            w.evaluations().add(new NewEvaluation(loraId, pruned, "piqa", 100, 0.70, 0.02, 0.72, 0.02, null));
            w.evaluations().add(new NewEvaluation(loraId, pruned, "boolq", 100, 0.60, 0.02, null, null, null));
            w.evaluations().add(new NewEvaluation(rankAdaptorId, pruned, "piqa", 100, 0.74, 0.02, 0.71, 0.02, null));
            w.evaluations().add(new NewEvaluation(rankAdaptorId, pruned, "boolq", 100, 0.63, 0.02, null, null, null));
            searchId = w.searches().create(new NewSearch(pruned, "{\"ranks\":[2,4,8]}", null, "mean_acc", null)).id();
            w.searches().recordIteration(searchId, new NewSearchIteration(0, "[4,8]", 0.6, 0.62, 1.0));
            w.exports().add("peft-ranks", "/tmp/ranks.json", "{\"rank_pattern\":{\"q_proj\":4}}",
                    w.searches().ref(searchId));
        }
    }

    @Test
    void listShowsEveryRunAsTableAndJson() throws Exception {
        CliRun table = run("list", "--workspace", dir.toString());
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("PRUNING") && table.out().contains("RECOVERY") && table.out().contains("SEARCH"),
                table.out());
        assertTrue(table.out().contains("RANKADAPTOR searched"), table.out());

        CliRun json = run("list", "--workspace", dir.toString(), "--json", "--kind", "RECOVERY");
        JsonNode array = MAPPER.readTree(json.out());
        assertEquals(2, array.size());
        assertEquals(loraId, array.get(0).get("id").asLong());
        assertEquals("QUEUED", array.get(0).get("status").asText());
    }

    @Test
    void showPrintsRunDetailsAndJson() throws Exception {
        CliRun text = run("show", Long.toString(loraId), "--workspace", dir.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("recovery run " + loraId + "  LORA r8  [QUEUED]"), text.out());
        assertTrue(text.out().contains("1 points, last step 10 train loss 2.2500 val loss 2.5000"), text.out());
        assertTrue(text.out().contains("piqa"), text.out());

        JsonNode search = MAPPER.readTree(run("show", Long.toString(searchId), "--json", "--workspace",
                dir.toString()).out());
        assertEquals("SEARCH", search.get("kind").asText());
        assertEquals(8, search.get("iterations").get(0).get("ranks").get(1).asInt());

        CliRun missing = run("show", "999", "--workspace", dir.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no run with id 999"), missing.err());
    }

    @Test
    void compareMarksBestCellsAndAcceptsModelPath() throws Exception {
        CliRun text = run("compare", "--model", "/models/llama-7b", "--pruning", Long.toString(pruningId),
                "--workspace", dir.toString());
        assertEquals(0, text.code(), text.err());
        String[] lines = text.out().split("\\R");
        assertTrue(lines[0].contains("boolq") && lines[0].contains("piqa") && lines[0].contains("AVERAGE"), lines[0]);
        assertTrue(lines[1].startsWith("LORA r8 #" + loraId), lines[1]);
        assertTrue(lines[2].startsWith("RANKADAPTOR searched #" + rankAdaptorId), lines[2]);
        assertTrue(lines[2].contains("63.00*") && lines[2].contains("74.00*") && lines[2].contains("68.50*"), lines[2]);

        JsonNode norm = MAPPER.readTree(run("compare", "--model", Long.toString(baseModel), "--metric", "acc_norm",
                "--json", "--workspace", dir.toString()).out());
        assertEquals(0.72, norm.get("rows").get(0).get("scores").get("piqa").asDouble(), 1e-12);
        assertEquals(0, norm.get("best").get("piqa").asInt());
        assertEquals(1, norm.get("best").get("average").asInt());

        CliRun badMetric = run("compare", "--model", "1", "--metric", "f1", "--workspace", dir.toString());
        assertEquals(1, badMetric.code());
        assertTrue(badMetric.err().contains("--metric must be acc or acc_norm"), badMetric.err());
    }

    @Test
    void exportWritesStoredExportOrRunJson() throws Exception {
        CliRun stored = run("export", Long.toString(searchId), "--workspace", dir.toString());
        assertEquals(0, stored.code(), stored.err());
        assertEquals(4, MAPPER.readTree(stored.out()).get("rank_pattern").get("q_proj").asInt());

        Path out = dir.resolve("exports/lora.json");
        CliRun toFile = run("export", Long.toString(loraId), "--out", out.toString(), "--workspace", dir.toString());
        assertEquals(0, toFile.code(), toFile.err());
        JsonNode runJson = MAPPER.readTree(Files.readString(out));
        assertEquals("LORA", runJson.get("method").asText());
        assertEquals(8, runJson.get("rankPlan").get("q_proj").asInt());
        assertEquals(2.25, runJson.get("curve").get(0).get("trainLoss").asDouble(), 1e-12);

        CliRun noSuchKind = run("export", Long.toString(loraId), "--kind", "peft-ranks", "--workspace", dir.toString());
        assertEquals(1, noSuchKind.code());
        assertTrue(noSuchKind.err().contains("has no export of kind 'peft-ranks'"), noSuchKind.err());
    }

    @Test
    void missingWorkspaceIsAnErrorNotANewDatabase() {
        Path elsewhere = dir.resolve("typo");
        CliRun result = run("list", "--workspace", elsewhere.toString());
        assertEquals(1, result.code());
        assertTrue(result.err().contains("no workspace database at"), result.err());
        assertTrue(Files.notExists(elsewhere.resolve("workspace.mv.db")));
    }

    private static CliRun run(String... args) {
        return CliRun.of(new RunsCommand(), args);
    }
}
