package org.rankadaptor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rankadaptor.ui.FxTestSupport.fx;
import static org.rankadaptor.ui.FxTestSupport.waitForJobs;
import static org.rankadaptor.ui.FxTestSupport.waitUntil;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javafx.stage.Stage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TestData;
import org.rankadaptor.cluster.ClusterView;
import org.rankadaptor.store.Workspace;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

/**
 * The Search screen with Parallel 2: two local worker JVMs appear with their devices and load, the candidates in
 * flight show their member and elapsed time, and pending candidates are marked on the predicted-vs-measured plot.
 */
@Tag("cluster")
class ParallelSearchScreenTest extends HeadlessWorkbenchTest {
    @Start
    void start(Stage stage) throws IOException {
        Path workspaceDir = newFolder("workspace");
        show(stage, Workbench.create(new InMemoryRecentModels(), () -> Workspace.open(workspaceDir)));
    }

    @Test
    void workersInFlightCandidatesAndPendingMarksAreShown(FxRobot robot, @TempDir Path tmp) {
        fx(() -> workbench.screen(ModelView.TITLE, ModelView.class).viewModel().open(TestData.stories260K()));
        waitForJobs(workbench, 60);
        robot.clickOn("#nav-Search");
        SearchView view = workbench.screen(SearchView.TITLE, SearchView.class);
        SearchViewModel search = view.viewModel();
        fx(() -> {
            search.setFidelity(16, 4, 4, 16, 1);
            search.candidatesProperty().set(500);
            search.initialSamplesProperty().set(1);
            search.iterationsProperty().set(7);
            search.thresholdProperty().set(0.0);
            search.rankCandidatesProperty().set("2,4,8");
            search.cutoffProperty().set(64);
            search.objectiveKindProperty().set(SearchViewModel.ObjectiveKind.PERPLEXITY);
            search.objectiveFileProperty().set(TestData.path("text/tinystories-gen/valid.jsonl").toString());
            search.dataFileProperty().set(TestData.path("text/tinystories-gen/train.jsonl").toString());
            search.outputDirProperty().set(tmp.resolve("search").toString());
            search.parallelProperty().set(2);
            search.localWorkersProperty().set(2);
            return null;
        });
        robot.clickOn("#startSearch");
        waitUntil("two workers listed", 180, () -> search.workers().size() == 2);
        ClusterView.WorkerStatus worker = fx(() -> search.workers().get(0));
        assertEquals("cpu", worker.devices());
        assertTrue(worker.member().startsWith("127.0.0.1:"), worker.member());
        Set<String> busy = new HashSet<>();
        assertTrue(fx(() -> robot.lookup("#clusterCard").query().isVisible()), "the workers card shows");
        waitUntil("a pending search candidate marked on the scatter", 180, () -> {
            search.workers().stream().filter(w -> !w.idle()).forEach(w -> busy.add(w.member()));
            boolean pendingWithPrediction = search.inFlight().stream()
                    .anyMatch(f -> Double.isFinite(f.predicted()) && f.member() != null && f.elapsedSeconds() >= 0);
            return pendingWithPrediction && search.scatter().pendingCount() > 0;
        });
        FxTestSupport.snapshot(scene, "search-parallel");
        waitForJobs(workbench, 300);
        assertEquals("", fx(() -> workbench.window().errorBanner().message()));
        assertNotNull(fx(() -> search.outcomeProperty().get()));
        assertEquals(7, fx(() -> search.history().size()));
        assertTrue(busy.size() >= 1, "workers were shown busy: " + busy);
        assertEquals(0, fx(() -> search.workers().size()), "the local workers are gone with the search");
        assertEquals(0, fx(() -> search.scatter().pendingCount()), "nothing is pending once the search is done");
    }
}
