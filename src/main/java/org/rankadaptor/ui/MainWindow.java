package org.rankadaptor.ui;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.controlsfx.control.StatusBar;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The workbench shell: navigation on the left, the selected screen in the center, an error banner on top, and at
 * the bottom a collapsible log console and a status bar with the running job, its progress, Cancel and the device.
 */
public final class MainWindow {
    public static final double WIDTH = 1280;
    public static final double HEIGHT = 820;
    private static final String STYLESHEET = "/org/rankadaptor/ui/workbench.css";

    private final WorkbenchContext context;
    private final ErrorBanner errorBanner;
    private final BorderPane root = new BorderPane();
    private final VBox navigation = new VBox();
    private final ToggleGroup navGroup = new ToggleGroup();
    private final StackPane content = new StackPane();
    private final StatusBar statusBar = new StatusBar();
    private final DeviceIndicator deviceIndicator = new DeviceIndicator();
    private final Map<String, WorkbenchScreen> screens = new LinkedHashMap<>();
    private final Map<String, ToggleButton> navButtons = new LinkedHashMap<>();
    private final Map<String, Node> screenNodes = new LinkedHashMap<>();
    private String lastOutcome = "Ready";

    public MainWindow(WorkbenchContext context, ErrorBanner errorBanner) {
        this.context = context;
        this.errorBanner = errorBanner;
        root.setId("mainWindow");
        root.getStyleClass().add("workbench");

        Label brand = new Label("RankAdaptor\nWorkbench");
        brand.getStyleClass().add("brand");
        navigation.getChildren().add(brand);
        navigation.getStyleClass().add("navigation");
        navigation.setId("navigation");
        navGroup.selectedToggleProperty().addListener((obs, old, selected) -> {
            if (selected == null && old != null) {
                old.setSelected(true); // one screen is always shown
            }
        });

        root.setTop(errorBanner);
        root.setLeft(navigation);
        root.setCenter(content);
        content.getStyleClass().add("content");
        root.setBottom(new VBox(logPane(), statusBar()));
    }

    /** Adds a navigation entry; the first screen added is shown first. */
    public void addScreen(WorkbenchScreen screen) {
        if (screens.containsKey(screen.title())) {
            throw new IllegalArgumentException("a screen titled '" + screen.title() + "' is already in the navigation");
        }
        screens.put(screen.title(), screen);
        screenNodes.put(screen.title(), scrollable(screen.view()));
        ToggleButton button = new ToggleButton(screen.title());
        button.setId("nav-" + screen.title());
        button.getStyleClass().add("nav-button");
        button.setToggleGroup(navGroup);
        button.setMaxWidth(Double.MAX_VALUE);
        button.setOnAction(e -> show(screen.title()));
        navButtons.put(screen.title(), button);
        navigation.getChildren().add(button);
        if (screens.size() == 1) {
            show(screen.title());
        }
    }

    public void show(String title) {
        WorkbenchScreen screen = screens.get(title);
        if (screen == null) {
            throw new IllegalArgumentException("no screen titled '" + title + "' (have " + screens.keySet() + ")");
        }
        navButtons.get(title).setSelected(true);
        content.getChildren().setAll(screenNodes.get(title));
    }

    /** Screens scroll instead of pushing the log and status bar out of a small window. */
    private Node scrollable(Node view) {
        ScrollPane scroll = new ScrollPane(view);
        scroll.setFitToWidth(true);
        scroll.setFitToHeight(true);
        scroll.getStyleClass().add("screen-scroll");
        return scroll;
    }

    public Scene createScene() {
        Scene scene = new Scene(root, WIDTH, HEIGHT);
        scene.getStylesheets().add(MainWindow.class.getResource(STYLESHEET).toExternalForm());
        return scene;
    }

    /** Starts the device indicator; call once the window is shown. */
    public void start() {
        deviceIndicator.start(context.jobs());
    }

    public void stop() {
        deviceIndicator.stop();
    }

    public Parent root() {
        return root;
    }

    public ErrorBanner errorBanner() {
        return errorBanner;
    }

    public StatusBar statusBarControl() {
        return statusBar;
    }

    private Node logPane() {
        ListView<String> lines = new ListView<>(context.log().lines());
        lines.setId("logConsole");
        lines.getStyleClass().add("log-console");
        lines.setPrefHeight(88);
        // scroll after the list has laid out the new lines; scrolling inside the change itself is lost
        context.log().lines().addListener((ListChangeListener<String>) change -> javafx.application.Platform.runLater(() -> {
            if (!lines.getItems().isEmpty()) {
                lines.scrollTo(lines.getItems().size() - 1);
            }
        }));
        TitledPane pane = new TitledPane("Log", lines);
        pane.setId("logPane");
        pane.setCollapsible(true);
        pane.setExpanded(true);
        pane.setAnimated(false);
        return pane;
    }

    private Node statusBar() {
        statusBar.setId("statusBar");
        statusBar.setText(lastOutcome);
        Button cancel = new Button("Cancel");
        cancel.setId("cancelJob");
        cancel.disableProperty().bind(Bindings.isNull(context.jobs().currentJobProperty()));
        cancel.setOnAction(e -> context.jobs().cancelCurrent());
        deviceIndicator.choice().valueProperty().bindBidirectional(context.state().placementProperty());
        statusBar.getRightItems().addAll(cancel, deviceIndicator, deviceIndicator.choice());
        context.jobs().currentJobProperty().addListener((obs, old, job) -> follow(old, job));
        return statusBar;
    }

    /** Binds the status bar to the running job, and leaves the last job's outcome when none runs. */
    private void follow(Task<?> previous, Task<?> job) {
        statusBar.textProperty().unbind();
        statusBar.progressProperty().unbind();
        if (job == null) {
            if (previous != null) {
                lastOutcome = previous.getTitle() + ": " + switch (previous.getState()) {
                    case SUCCEEDED -> "done";
                    case CANCELLED -> "cancelled";
                    case FAILED -> "failed";
                    default -> "stopped";
                };
            }
            statusBar.setText(lastOutcome);
            statusBar.setProgress(0);
            return;
        }
        statusBar.textProperty().bind(Bindings.createStringBinding(
                () -> job.getMessage() == null || job.getMessage().isEmpty()
                        ? job.getTitle() : job.getTitle() + " - " + job.getMessage(),
                job.titleProperty(), job.messageProperty()));
        statusBar.progressProperty().bind(job.progressProperty());
    }
}
