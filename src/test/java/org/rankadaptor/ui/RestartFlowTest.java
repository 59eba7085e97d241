package org.rankadaptor.ui;

import javafx.scene.control.ToggleButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TestData;
import org.rankadaptor.prune.Estimator;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rankadaptor.ui.FxTestSupport.fx;
import static org.rankadaptor.ui.FxTestSupport.waitForJobs;
import static org.rankadaptor.ui.FxTestSupport.waitUntil;

/**
 * History survives a restart: open, prune, recover and search in one workbench, close it, start a new one on the same
 * workspace, and the model, the search with its plots, the loss curve and the last settings are all back and the
 * search exports again. Screenshots of every screen of the restarted workbench go to target/screenshots.
 */
class RestartFlowTest extends WorkspaceWorkbenchTest {
    private Stage stage;

    @Start
    void start(Stage stage) throws IOException {
        this.stage = stage;
        show(stage, workbenchOnWorkspace());
    }

    @Test
    void searchPlotsCurvesAndSettingsComeBackAfterARestart(FxRobot robot, @TempDir Path tmp) {
        Path text = TestData.path("text/tinystories-gen/train.jsonl");
        Path valid = TestData.path("text/tinystories-gen/valid.jsonl");
        fx(() -> workbench.screen(ModelView.TITLE, ModelView.class).viewModel().open(TestData.stories260K()));
        waitForJobs(workbench, 60);

        PruneViewModel prune = workbench.screen(PruneView.TITLE, PruneView.class).viewModel();
        Path pruned = tmp.resolve("pruned");
        fx(() -> {
            prune.ranges().clear();
            prune.addRange(2, 4, 0.25, 0.25);
            prune.estimatorProperty().set(Estimator.L2);
            prune.outputDirProperty().set(pruned.toString());
            return prune.prune();
        });
        waitForJobs(workbench, 60);
        fx(() -> {
            prune.openPruned();
            return null;
        });
        waitForJobs(workbench, 30);
        assertEquals(pruned.toAbsolutePath().normalize(), fx(() -> workbench.context().state().getCurrentModel().dir()));
        assertTrue(fx(() -> robot.lookup("#nav-Recover").queryAs(ToggleButton.class).isSelected()),
                "an opened pruned model goes to Recover, not back to Prune");

        RecoverViewModel recover = workbench.screen(RecoverView.TITLE, RecoverView.class).viewModel();
        fx(() -> {
            recover.setTraining(4, 4, 4, 8, 64);
            recover.validateEvery.set(2);
            recover.learningRate.set(3e-4);
            recover.dataFileProperty().set(text.toString());
            return recover.train();
        });
        waitForJobs(workbench, 90);
        noError();

        SearchViewModel search = workbench.screen(SearchView.TITLE, SearchView.class).viewModel();
        fx(() -> {
            search.setFidelity(2, 4, 4, 16, 2);
            search.candidatesProperty().set(500);
            search.initialSamplesProperty().set(1);
            search.iterationsProperty().set(3);
            search.rankCandidatesProperty().set("2,4,8");
            search.cutoffProperty().set(64);
            search.objectiveFileProperty().set(valid.toString());
            search.dataFileProperty().set(text.toString());
            return search.search();
        });
        waitUntil("the search's progress line", 60, () -> search.progressProperty().get().startsWith("measurement"));
        waitForJobs(workbench, 150);
        noError();
        assertEquals(3, fx(() -> search.history().size()));
        double bestScore = fx(() -> search.history().stream().mapToDouble(it -> it.actual()).max().orElseThrow());

        // restart: a new workbench on the same workspace
        fx(() -> {
            workbench.close();
            return null;
        });
        Workbench first = workbench;
        waitUntil("the first workspace to close", 20, () -> first.context().store().orNull() == null);
        fx(() -> {
            show(stage, workbenchOnWorkspace());
            return null;
        });
        waitUntil("the last model to reopen", 60, () -> workbench.context().state().getCurrentModel() != null);
        waitForJobs(workbench, 60);
        assertEquals(pruned.toAbsolutePath().normalize(), fx(() -> workbench.context().state().getCurrentModel().dir()));

        SearchViewModel restored = workbench.screen(SearchView.TITLE, SearchView.class).viewModel();
        waitUntil("the stored search on the Search screen", 10, () -> restored.history().size() == 3);
        assertEquals(3, fx(() -> restored.optimisationHistory().dataset().getSeries(0).getItemCount()));
        assertEquals(3, fx(() -> restored.rankVectors().dataset().getSeriesCount()));
        assertEquals(1, fx(() -> restored.scatter().pointCount()), "one model-guided measurement");
        assertEquals(fx(() -> workbench.context().state().getCurrentModel().summary().config().numLayers()),
                fx(() -> restored.layerImportance().getColumnCount()), "rank importance for every layer");
        assertTrue(fx(() -> restored.statusProperty().get()).contains("Best measured"), fx(() -> restored.statusProperty().get()));
        assertTrue(fx(() -> restored.hasResultProperty().get()));
        assertNotNull(fx(() -> restored.resultRankFileProperty().get()), "Recover with best ranks works after a restart");
        Path export = tmp.resolve("export-after-restart");
        fx(() -> {
            restored.exportBest(export);
            return null;
        });
        noError();
        assertTrue(Files.exists(export.resolve("rankadaptor_ranks.json")) && Files.exists(export.resolve("adapter_config.json")));
        assertTrue(fx(() -> restored.exportMessageProperty().get()).contains("rankadaptor_ranks.json"),
                "the export says what it wrote");
        assertTrue(fx(() -> restored.statusProperty().get()).contains(String.format(java.util.Locale.ROOT, "%.4f", bestScore)));

        RecoverViewModel recovered = workbench.screen(RecoverView.TITLE, RecoverView.class).viewModel();
        assertEquals(4, fx(() -> recovered.lossDataset().getSeries(0).getItemCount()), "the loss curve is back");
        assertTrue(fx(() -> recovered.shownRunProperty().get()).startsWith("Showing stored recovery run"));
        assertEquals(3e-4, fx(recovered.learningRate::get), 1e-15, "Recover's last settings are back");
        assertEquals(4, fx(recovered.steps::get));
        PruneViewModel prunedAgain = workbench.screen(PruneView.TITLE, PruneView.class).viewModel();
        assertEquals(Estimator.L2, fx(() -> prunedAgain.estimatorProperty().get()), "Prune's last settings are back");
        assertEquals(3, fx(() -> restored.iterationsProperty().get()), "Search's last settings are back");

        HistoryViewModel history = workbench.screen(HistoryView.TITLE, HistoryView.class).viewModel();
        waitUntil("the history lists", 10, () -> history.searches().size() == 1 && history.runs().size() == 1);
        fx(() -> {
            history.selectedRunProperty().set(history.runs().get(0));
            return null;
        });
        assertEquals(4, fx(() -> history.lossPreview().getSeries(0).getItemCount()));
        noError();

        for (String title : new String[] {ModelView.TITLE, PruneView.TITLE, RecoverView.TITLE, SearchView.TITLE,
                CompareView.TITLE, HistoryView.TITLE, GenerateView.TITLE}) {
            robot.clickOn("#nav-" + title);
            robot.sleep(300);
            FxTestSupport.snapshot(scene, "restarted-" + title.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private void noError() {
        assertEquals("", fx(() -> workbench.window().errorBanner().message()));
    }
}
