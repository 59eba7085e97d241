package org.rankadaptor.ui;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.rankadaptor.store.Workspace;

/** The JavaFX application. Started by {@link WorkbenchLauncher} (JavaFX cannot start from a main in this class on the classpath). */
public final class WorkbenchApp extends Application {
    private Workbench workbench;

    @Override
    public void start(Stage stage) {
        workbench = Workbench.create(new PreferencesRecentModels(), Workspace::open);
        ErrorBanner banner = workbench.window().errorBanner();
        // A bug in a handler must show up in the window, not end the app.
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            if (Platform.isFxApplicationThread()) {
                banner.showError("Action on " + thread.getName(), error);
            } else {
                Platform.runLater(() -> banner.showError("Background work on " + thread.getName(), error));
            }
        });
        stage.setTitle("RankAdaptor Workbench");
        stage.setScene(workbench.createScene());
        stage.setMinWidth(960);
        stage.setMinHeight(640);
        stage.show();
        workbench.start();
        getParameters().getUnnamed().stream().findFirst().ifPresent(dir ->
                workbench.screen(ModelView.TITLE, ModelView.class).viewModel().open(java.nio.file.Path.of(dir)));
    }

    @Override
    public void stop() {
        if (workbench != null) {
            workbench.close();
        }
    }
}
