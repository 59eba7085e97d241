package org.rankadaptor.ui;

import javafx.application.Application;
import org.rankadaptor.model.NativeHeap;

/**
 * Entry point for the desktop app. It must not extend Application: on the classpath JavaFX only starts when the
 * main class is not an Application subclass. An optional argument is a checkpoint directory to open.
 */
public final class WorkbenchLauncher {
    private WorkbenchLauncher() {
    }

    public static void main(String[] args) {
        NativeHeap.returnFreedBuffers();
        Application.launch(WorkbenchApp.class, args);
    }
}
