package org.rankadaptor.ui;

import org.junit.jupiter.api.AfterEach;
import org.rankadaptor.store.Workspace;

import java.io.IOException;
import java.nio.file.Path;

import static org.rankadaptor.ui.FxTestSupport.waitUntil;

/** A headless workbench on a real H2 workspace folder of its own; closing waits until the store has let go of it. */
abstract class WorkspaceWorkbenchTest extends HeadlessWorkbenchTest {
    Path workspaceDir;

    /** A new workbench on this test's workspace folder (the same folder on every call, as after a restart). */
    Workbench workbenchOnWorkspace() throws IOException {
        if (workspaceDir == null) {
            workspaceDir = newFolder("workspace");
        }
        return Workbench.create(new InMemoryRecentModels(), () -> Workspace.open(workspaceDir));
    }

    @AfterEach
    @Override
    void closeWorkbench() {
        super.closeWorkbench();
        waitUntil("the workspace to close", 20, () -> workbench.context().store().orNull() == null);
    }
}
