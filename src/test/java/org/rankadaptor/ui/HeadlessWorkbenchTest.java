package org.rankadaptor.ui;

import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.rankadaptor.ui.FxTestSupport.fx;

/**
 * What every headless workbench test sets up: Monocle's screen size, the workbench shown on the TestFX stage and
 * started, and closed again after each test. TestFX looks for {@code @Start} only on the test class itself, so each
 * subclass declares {@code @Start void start(Stage stage)} and hands the workbench it built to {@link #show}.
 */
@ExtendWith(ApplicationExtension.class)
abstract class HeadlessWorkbenchTest {
    static {
        FxTestSupport.configureHeadlessScreen();
    }

    /** Per class: {@code @Start} runs before a test's own {@code @TempDir} fields are set. */
    @TempDir
    static Path classFolder;

    Workbench workbench;
    Scene scene;

    /** A new empty folder for one test (a workspace, say), named {@code prefix} plus a unique suffix. */
    static Path newFolder(String prefix) throws IOException {
        return Files.createTempDirectory(classFolder, prefix);
    }

    /** Puts the scene of {@code created} on {@code stage}, shows it and starts the workbench's background work. */
    void show(Stage stage, Workbench created) {
        workbench = created;
        scene = created.createScene();
        stage.setScene(scene);
        stage.show();
        created.start();
    }

    @AfterEach
    void closeWorkbench() {
        fx(() -> {
            workbench.close();
            return null;
        });
    }
}
