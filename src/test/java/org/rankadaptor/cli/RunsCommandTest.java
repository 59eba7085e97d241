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
            long loraPiqa = w.evaluations().add(new NewEvaluation(loraId, pruned, "piqa", 100, 0.70, 0.02, 0.72, 0.02,
                    null)).id();
            w.evaluations().add(new NewEvaluation(loraId, pruned, "boolq", 100, 0.60, 0.02, null, null, null));
            long rankAdaptorPiqa = w.evaluations().add(new NewEvaluation(rankAdaptorId, pruned, "piqa", 100, 0.74,
                    0.02, 0.71, 0.02, null)).id();
            // per-document outcomes: both right on 68, only LoRA on 2, only RankAdaptor on 6, neither on 24
            double[] lora = new double[100];
            double[] rankAdaptor = new double[100];
            for (int i = 0; i < 68; i++) {
                lora[i] = 1;
                rankAdaptor[i] = 1;
            }
            lora[68] = 1;
            lora[69] = 1;
            for (int i = 70; i < 76; i++) {
                rankAdaptor[i] = 1;
            }
            w.evaluations().addItems(loraPiqa, "acc", lora);
            w.evaluations().addItems(rankAdaptorPiqa, "acc", rankAdaptor);
            // the same LoRA recipe at another seed: seed noise of piqa = sd{0.70, 0.68}
            long loraSeed43 = w.recoveryRuns().create(new NewRecoveryRun(pruned, null, RecoveryMethod.LORA, "r8",
                    "{\"q_proj\":8}", "{\"lr\":0.0001}", 43)).id();
            w.evaluations().add(new NewEvaluation(loraSeed43, pruned, "piqa", 100, 0.68, 0.02, null, null, null));
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
        assertEquals(3, array.size(), "LoRA r8 at seeds 42 and 43 and the RankAdaptor run");
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
        // the best cells keep their star; a stored standard error of 0.02 shows as a 95% half-width of 3.9 points
        assertTrue(lines[2].contains("63.00+-3.9*") && lines[2].contains("74.00+-3.9*") && lines[2].contains("68.50*"),
                lines[2]);

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
    void comparePairTestsTwoRunsOnTheSameDocuments() throws Exception {
        CliRun text = run("compare", "--model", "/models/llama-7b", "--pruning", Long.toString(pruningId),
                "--pair", loraId + "," + rankAdaptorId, "--workspace", dir.toString());
        assertEquals(0, text.code(), text.err());
        // McNemar: 2 vs 6 discordant -> p = 2 (C(8,0) + C(8,1) + C(8,2)) / 2^8 = 74/256 = 0.2891
        String piqa = java.util.Arrays.stream(text.out().split("\\R")).filter(l -> l.startsWith("piqa")).findFirst()
                .orElseThrow(() -> new AssertionError(text.out()));
        assertTrue(piqa.contains("100") && piqa.contains("-4.00") && piqa.contains("0.2891") && piqa.contains(" no "),
                piqa);
        assertTrue(piqa.contains("1.41 (2 runs)"), "seed noise of LoRA r8 over seeds 42 and 43: " + piqa);
        String boolq = java.util.Arrays.stream(text.out().split("\\R")).filter(l -> l.startsWith("boolq")).findFirst()
                .orElseThrow();
        assertTrue(boolq.contains("no per-document scores"), boolq);

        JsonNode json = MAPPER.readTree(run("compare", "--model", "/models/llama-7b", "--pruning",
                Long.toString(pruningId), "--pair", loraId + "," + rankAdaptorId, "--json", "--workspace",
                dir.toString()).out());
        JsonNode pair = json.get("pair").get(1);
        assertEquals("piqa", pair.get("task").asText());
        assertEquals(-0.04, pair.get("bootstrap").get("difference").asDouble(), 1e-12);
        assertEquals(74.0 / 256, pair.get("mcnemar").get("pValue").asDouble(), 1e-12);
        double lower = pair.get("bootstrap").get("interval").get("lower").asDouble();
        double upper = pair.get("bootstrap").get("interval").get("upper").asDouble();
        // normal approximation: se = sqrt((8/100 - 0.04^2) * 100/99 / 100) = 0.0281
        assertEquals(-0.04 - 1.96 * 0.0281, lower, 0.015);
        assertEquals(-0.04 + 1.96 * 0.0281, upper, 0.015);
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
