package org.rankadaptor.ui;

import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.rankadaptor.TestData;
import org.rankadaptor.store.Workspace;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rankadaptor.ui.FxTestSupport.fx;
import static org.rankadaptor.ui.FxTestSupport.waitForJobs;
import static org.rankadaptor.ui.FxTestSupport.waitUntil;

/** A corrupt workspace database must not stop the app: the banner says why, and models still open. */
class WorkspaceStartupTest extends HeadlessWorkbenchTest {
    private Path corruptDir;

    @Start
    void start(Stage stage) throws IOException {
        corruptDir = newFolder("corrupt");
        Files.write(corruptDir.resolve(Workspace.DATABASE_NAME + Workspace.DATABASE_SUFFIX),
                "this is not an H2 database, just some bytes that pretend to be one".repeat(200).getBytes());
        show(stage, Workbench.create(new InMemoryRecentModels(), () -> Workspace.open(corruptDir)));
    }

    @Test
    void aCorruptWorkspaceIsReportedAndTheAppKeepsWorking(FxRobot robot) {
        waitUntil("the workspace error", 30, () -> !workbench.window().errorBanner().message().isEmpty());
        String message = fx(() -> workbench.window().errorBanner().message());
        assertTrue(message.startsWith("Open workspace failed: ") && message.contains(corruptDir.toString()), message);
        assertTrue(fx(() -> workbench.context().store().problemProperty().get()).contains("runs are not recorded"));
        assertNull(fx(() -> workbench.context().store().orNull()));

        fx(() -> workbench.screen(ModelView.TITLE, ModelView.class).viewModel().open(TestData.stories260K()));
        waitForJobs(workbench, 60);
        assertNotNull(fx(() -> workbench.context().state().getCurrentModel()));
        robot.clickOn("#nav-Compare");
        assertEquals(0, fx(() -> workbench.screen(CompareView.TITLE, CompareView.class).viewModel().models().size()));
    }
}
