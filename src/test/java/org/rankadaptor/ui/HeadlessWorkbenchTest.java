package org.rankadaptor.ui;

import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;

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

    Workbench workbench;
    Scene scene;

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
