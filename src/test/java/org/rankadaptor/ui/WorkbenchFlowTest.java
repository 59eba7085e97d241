package org.rankadaptor.ui;

import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TestData;
import org.rankadaptor.job.FinetuneJob;
import org.rankadaptor.job.PruneJob;
import org.rankadaptor.job.SearchJob;
import org.rankadaptor.prune.Estimator;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.store.ComparisonTable;
import org.rankadaptor.store.RecoveryRun;
import org.rankadaptor.store.RunStatus;
import org.rankadaptor.store.Workspace;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rankadaptor.ui.FxTestSupport.fx;
import static org.rankadaptor.ui.FxTestSupport.waitForJobs;
import static org.rankadaptor.ui.FxTestSupport.waitUntil;

/**
 * The whole workbench flow on stories260K with a temporary workspace: open, score importance, prune, recover, search,
 * compare, generate with the adapter. Tiny settings everywhere so it stays within a couple of minutes on 2 cores.
 */
class WorkbenchFlowTest extends WorkspaceWorkbenchTest {
    @Start
    void start(Stage stage) throws IOException {
        show(stage, workbenchOnWorkspace());
    }

    @Test
    void pruneRecoverSearchCompareAndGenerateOnStories260K(FxRobot robot, @TempDir Path tmp) throws IOException {
        Path text = TestData.path("text/tinystories-gen/train.jsonl");
        Path valid = TestData.path("text/tinystories-gen/valid.jsonl");
        // 1) open the model
        open(TestData.stories260K());
        assertNotNull(fx(() -> workbench.context().store().workspaceProperty().get()), "the workspace opened");

        // 2) the plan's reduction and errors update live; score importance
        robot.clickOn("#nav-Prune");
        PruneView prune = workbench.screen(PruneView.TITLE, PruneView.class);
        PruneViewModel pruneModel = prune.viewModel();
        fx(() -> {
            pruneModel.ranges().clear();
            pruneModel.addRange(4, 9, 0.3, 0.3);
            return null;
        });
        assertTrue(fx(() -> pruneModel.planErrorProperty().get()).contains("outside the model's layers 1-5"),
                fx(() -> pruneModel.planErrorProperty().get()));
        fx(() -> {
            pruneModel.ranges().get(0).lastProperty().set(5);
            pruneModel.addRange(1, 4, 0.3, 0.3);
            return null;
        });
        assertTrue(fx(() -> pruneModel.planErrorProperty().get()).contains("overlap"), fx(() -> pruneModel.planErrorProperty().get()));
        fx(() -> {
            pruneModel.ranges().clear();
            pruneModel.addRange(1, 3, 0.3, 0.3);
            pruneModel.estimatorProperty().set(Estimator.TAYLOR_ELEMENT1);
            pruneModel.calibrationPathProperty().set(text.toString());
            pruneModel.samplesProperty().set(4);
            pruneModel.outputDirProperty().set(tmp.resolve("pruned").toString());
            return null;
        });
        assertEquals("", fx(() -> pruneModel.planErrorProperty().get()));
        String reduction = fx(() -> pruneModel.reductionProperty().get());
        assertTrue(reduction.startsWith("Parameters: 260,032 -> ") && reduction.endsWith("fewer)"), reduction);
        assertEquals(10, fx(() -> prune.keptDataset().getRowCount() * prune.keptDataset().getColumnCount()));
        assertEquals(0.5, fx(() -> prune.keptDataset().getValue(KeptFractionChart.ATTENTION, "1").doubleValue()), 1e-9,
                "4 kv groups at ratio 0.3 keep floor(4 x 0.7) = 2");
        assertEquals(1.0, fx(() -> prune.keptDataset().getValue(KeptFractionChart.MLP, "5").doubleValue()), 1e-9,
                "layer 5 is outside the range");
        robot.clickOn("#scoreImportance");
        waitForJobs(workbench, 60);
        assertEquals(5 * 4, fx(() -> prune.attentionDataset().getItemCount(0)));
        assertEquals(5 * 172, fx(() -> prune.mlpDataset().getItemCount(0)));
        noError();
        FxTestSupport.snapshot(scene, "prune");

        // 3) prune into a temp dir, recorded in the store, then open the pruned model
        Path pruned = tmp.resolve("pruned");
        fx(() -> pruneModel.prune());
        waitForJobs(workbench, 60);
        noError();
        PruneJob.Outcome pruneOutcome = fx(() -> pruneModel.outcomeProperty().get());
        assertNotNull(pruneOutcome.pruningRunId());
        assertTrue(Files.exists(pruned.resolve("config.json")) && Files.exists(pruned.resolve("pruning.json")));
        assertTrue(pruneOutcome.result().parametersAfter() < pruneOutcome.result().parametersBefore());
        fx(() -> {
            pruneModel.openPruned();
            return null;
        });
        waitForJobs(workbench, 30);
        assertEquals(pruned.toAbsolutePath().normalize(), fx(() -> workbench.context().state().getCurrentModel().dir()));
        assertTrue(fx(() -> workbench.context().recentModels().list()).contains(pruned.toAbsolutePath().normalize()));

        // 4) a short recovery: the loss chart gets a point per step
        robot.clickOn("#nav-Recover");
        RecoverViewModel recover = workbench.screen(RecoverView.TITLE, RecoverView.class).viewModel();
        Path recoveryOut = tmp.resolve("recovery");
        fx(() -> {
            recover.setTraining(4, 4, 4, 8, 64);
            recover.validateEvery.set(2);
            recover.dataFileProperty().set(text.toString());
            recover.outputDirProperty().set(recoveryOut.toString());
            return null;
        });
        robot.clickOn("#train");
        waitForJobs(workbench, 90);
        noError();
        FinetuneJob.Outcome trained = fx(() -> recover.outcomeProperty().get());
        assertNotNull(trained.recoveryRunId());
        waitUntil("the loss points", 5, () -> recover.lossDataset().getSeries(0).getItemCount() == 4);
        assertTrue(fx(() -> recover.lossDataset().getSeries(1).getItemCount()) >= 2, "validation at steps 2 and 4");
        assertEquals(2, fx(() -> recover.rankDataset().getRowCount()), "planned and final ranks");
        assertEquals(5, fx(() -> recover.rankDataset().getColumnCount()));
        Path adapterDir = trained.adapterDir();
        assertEquals(recoveryOut.resolve("adapter"), adapterDir, "the PEFT adapter goes to OUT/adapter");
        assertTrue(Files.exists(adapterDir.resolve("adapter_config.json")));
        FxTestSupport.snapshot(scene, "recover");

        // 5) a search with a tiny fidelity: three search iterations after the baseline and one initial sample
        robot.clickOn("#nav-Search");
        SearchViewModel search = workbench.screen(SearchView.TITLE, SearchView.class).viewModel();
        fx(() -> {
            search.setFidelity(2, 4, 4, 16, 2);
            search.candidatesProperty().set(1000);
            search.initialSamplesProperty().set(1);
            search.iterationsProperty().set(5);
            search.thresholdProperty().set(1e-6);
            search.rankCandidatesProperty().set("2,4,8");
            search.cutoffProperty().set(64);
            search.objectiveKindProperty().set(SearchViewModel.ObjectiveKind.PERPLEXITY);
            search.objectiveFileProperty().set(valid.toString());
            search.dataFileProperty().set(text.toString());
            search.outputDirProperty().set(tmp.resolve("search").toString());
            return null;
        });
        robot.clickOn("#startSearch");
        waitForJobs(workbench, 150);
        noError();
        SearchJob.Outcome searched = fx(() -> search.outcomeProperty().get());
        assertNotNull(searched.searchId());
        assertEquals(5, fx(() -> search.history().size()));
        assertTrue(fx(() -> search.scatter().pointCount()) >= 3, "three predicted iterations");
        assertEquals(fx(() -> search.scatter().pointCount()), fx(() -> search.errors().errors().getItemCount()));
        assertEquals(2, fx(() -> search.bestRanks().getRowCount()), "best measured and best predicted");
        fx(() -> {
            search.exportBest(tmp.resolve("export-best"));
            SearchIteration last = search.history().get(search.history().size() - 1);
            search.exportIteration(last, tmp.resolve("export-last"));
            return null;
        });
        noError();
        for (String dir : List.of("export-best", "export-last")) {
            assertTrue(Files.exists(tmp.resolve(dir).resolve("rankadaptor_ranks.json")), dir);
            assertTrue(Files.readString(tmp.resolve(dir).resolve("adapter_config.json")).contains("rank_pattern"), dir);
        }
        FxTestSupport.snapshot(scene, "search");

        // 5a) the same screen runs the random strategy (same baseline and initial point), then checks the model
        fx(() -> {
            search.strategyProperty().set(org.rankadaptor.search.SearchSettings.Strategy.RANDOM);
            search.iterationsProperty().set(4);
            return null;
        });
        FxTestSupport.clickInView(robot, "#startSearch");
        waitForJobs(workbench, 150);
        noError();
        SearchJob.Outcome random = fx(() -> search.outcomeProperty().get());
        assertEquals(4, random.result().evaluations());
        assertEquals(SearchIteration.Kind.RANDOM, random.result().iterations().get(2).kind());
        assertEquals(2, random.result().iterations().get(0).repeats(), "the baseline is measured twice");
        assertArrayEquals(searched.result().iterations().get(1).ranks(), random.result().iterations().get(1).ranks(),
                "same initial point as the RankAdaptor search");
        fx(() -> search.checkPerformanceModel());
        waitForJobs(workbench, 120);
        noError();
        assertEquals(4, fx(() -> search.checkResultProperty().get().configurations()));
        assertEquals(4, fx(() -> search.checkScatter().pointCount()), "every configuration held out once");
        assertTrue(fx(() -> search.checkReportProperty().get()).contains("ridge"));

        // 5b) "Recover with best ranks" opens Recover set up with the search's rank JSON
        FxTestSupport.clickInView(robot, "#recoverBest");
        assertTrue(fx(() -> ((javafx.scene.control.ToggleButton) robot.lookup("#nav-Recover").query()).isSelected()));
        assertEquals(org.rankadaptor.lora.FinetuneMethod.RANKADAPTOR, fx(() -> recover.methodProperty().get()));
        assertEquals(searched.outDir().resolve("rankadaptor_ranks.json").toAbsolutePath().toString(),
                fx(() -> recover.rankFileProperty().get()));

        // 6) Compare: evaluate the recovery run and the pruned model without adapter, then see both rows
        robot.clickOn("#nav-Compare");
        CompareViewModel compare = workbench.screen(CompareView.TITLE, CompareView.class).viewModel();
        fx(() -> {
            compare.refresh();
            compare.evaluationTasksProperty().set("boolq,piqa");
            compare.evaluationLimitProperty().set(4);
            return null;
        });
        RecoveryRun run = fx(() -> compare.evaluationRunProperty().get());
        assertEquals(trained.recoveryRunId(), run.id());
        assertEquals(RunStatus.DONE, run.status());
        fx(() -> compare.evaluateRun());
        waitForJobs(workbench, 60);
        fx(() -> compare.evaluateWithoutAdapter());
        waitForJobs(workbench, 60);
        noError();
        waitUntil("two rows in the comparison", 5, () -> compare.tableProperty().get() != null
                && compare.tableProperty().get().rows().size() == 2);
        ComparisonTable table = fx(() -> compare.tableProperty().get());
        assertEquals(List.of("boolq", "piqa"), table.tasks());
        assertTrue(table.rows().stream().anyMatch(r -> run.id() == (r.runId() == null ? -1 : r.runId())));
        assertEquals(2, fx(() -> compare.taskDataset().getRowCount()), "one bar series per row");
        assertEquals(1, fx(() -> compare.planDataset().getRowCount()), "one run's rank plan (A and B are the same run)");
        FxTestSupport.snapshot(scene, "compare");

        // 7) Generate with the recovered adapter in slot A
        robot.clickOn("#nav-Generate");
        GenerateViewModel generate = workbench.screen(GenerateView.TITLE, GenerateView.class).viewModel();
        fx(() -> {
            generate.adapterAPathProperty().set(adapterDir.toString());
            generate.slotBPathProperty().set(TestData.stories260K().toString());
            generate.maxTokensProperty().set(24);
            generate.temperatureProperty().set(0.0);
            return null;
        });
        robot.clickOn("#generate");
        waitForJobs(workbench, 60);
        noError();
        String a = fx(() -> robot.lookup("#outputA").queryAs(TextArea.class).getText());
        assertTrue(a.length() > GenerateViewModel.DEFAULT_PROMPT.length(), a);
        FxTestSupport.snapshot(scene, "generate-adapter");
    }

    @Test
    void cancellingARecoveryMarksTheRunCancelled(FxRobot robot) {
        Path text = TestData.path("text/tinystories-gen/train.jsonl");
        open(TestData.stories260K());
        robot.clickOn("#nav-Recover");
        RecoverViewModel recover = workbench.screen(RecoverView.TITLE, RecoverView.class).viewModel();
        fx(() -> {
            recover.setTraining(5000, 4, 4, 0, 64);
            recover.dataFileProperty().set(text.toString());
            recover.outputDirProperty().set(workspaceDir.resolve("cancelled-adapter").toString());
            return null;
        });
        robot.clickOn("#train");
        waitUntil("the first loss points", 60, () -> recover.lossDataset().getSeries(0).getItemCount() >= 2);
        robot.clickOn("#cancelJob");
        waitForJobs(workbench, 30);
        assertEquals("Recover stories260K (Uniform LoRA): cancelled",
                fx(() -> workbench.window().statusBarControl().getText()));
        // the task reports cancelled at once; the stage stops at its next cancel check and the run is marked then
        Workspace ws = fx(() -> workbench.context().store().orNull());
        waitUntil("the run to be marked cancelled", 30,
                () -> ws.recoveryRuns().list().get(0).status() == RunStatus.CANCELLED);
        assertEquals(1, ws.recoveryRuns().list().size());
        assertTrue(fx(() -> recover.lossDataset().getSeries(0).getItemCount()) < 5000);
    }

    private void open(Path dir) {
        fx(() -> workbench.screen(ModelView.TITLE, ModelView.class).viewModel().open(dir));
        waitForJobs(workbench, 60);
        assertNotNull(fx(() -> workbench.context().state().getCurrentModel()));
    }

    private void noError() {
        assertEquals("", fx(() -> workbench.window().errorBanner().message()));
    }
}
