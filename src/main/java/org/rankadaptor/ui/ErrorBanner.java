package org.rankadaptor.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * Shows failures in an inline error bar at the top of the window: works headless (no popup windows) and stays until dismissed or the
 * next error replaces it. Every error it shows is also written to the log console.
 */
public final class ErrorBanner extends HBox implements ErrorReporter {
    private final Label message = new Label();
    private final LogConsole log;

    public ErrorBanner(LogConsole log) {
        this.log = log;
        setId("errorBanner");
        getStyleClass().add("error-banner");
        message.setId("errorMessage");
        message.setWrapText(true);
        message.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(message, Priority.ALWAYS);
        Button dismiss = new Button("Dismiss");
        dismiss.setId("dismissError");
        dismiss.setOnAction(e -> hide());
        setAlignment(Pos.CENTER_LEFT);
        setSpacing(12);
        setPadding(new Insets(8, 12, 8, 12));
        getChildren().addAll(message, dismiss);
        managedProperty().bind(visibleProperty());
        setVisible(false);
    }

    @Override
    public void showError(String what, Throwable error) {
        show(what + " failed: " + ErrorMessages.describe(error));
    }

    public void show(String text) {
        message.setText(text);
        setVisible(true);
        log.append("error: " + text);
    }

    public void hide() {
        setVisible(false);
    }

    public String message() {
        return isVisible() ? message.getText() : "";
    }
}
