package org.rankadaptor.ui;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.StringProperty;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Small form helpers shared by the stage screens: path fields with a chooser, spinners bound to properties. */
final class FormControls {
    /** What a path field's Browse button picks. */
    enum PathKind { FILE, DIRECTORY }

    private FormControls() {
    }

    /** A text field bound to {@code path} with a Browse button; grows horizontally. */
    static HBox pathField(String id, StringProperty path, String prompt, PathKind kind, String chooserTitle) {
        TextField field = new TextField();
        field.setId(id);
        field.setPromptText(prompt);
        field.textProperty().bindBidirectional(path);
        HBox.setHgrow(field, Priority.ALWAYS);
        field.setPrefColumnCount(28);
        Button browse = new Button("Browse...");
        browse.setId(id + "Browse");
        browse.setOnAction(e -> {
            File initial = initialDirectory(path.get());
            File chosen;
            if (kind == PathKind.DIRECTORY) {
                DirectoryChooser chooser = new DirectoryChooser();
                chooser.setTitle(chooserTitle);
                if (initial != null) {
                    chooser.setInitialDirectory(initial);
                }
                chosen = chooser.showDialog(field.getScene().getWindow());
            } else {
                FileChooser chooser = new FileChooser();
                chooser.setTitle(chooserTitle);
                if (initial != null) {
                    chooser.setInitialDirectory(initial);
                }
                chosen = chooser.showOpenDialog(field.getScene().getWindow());
            }
            if (chosen != null) {
                path.set(chosen.getAbsolutePath());
            }
        });
        HBox box = new HBox(6, field, browse);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private static File initialDirectory(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            Path p = Path.of(text.trim());
            Path dir = Files.isDirectory(p) ? p : p.getParent();
            return dir != null && Files.isDirectory(dir) ? dir.toFile() : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    static Spinner<Integer> intSpinner(String id, ObjectProperty<Integer> value, int min, int max, int step) {
        Spinner<Integer> spinner = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, value.get(), step));
        spinner.getValueFactory().valueProperty().bindBidirectional(value);
        spinner.setId(id);
        spinner.setEditable(true);
        spinner.setPrefWidth(95);
        return spinner;
    }

    static Spinner<Double> doubleSpinner(String id, ObjectProperty<Double> value, double min, double max, double step) {
        SpinnerValueFactory.DoubleSpinnerValueFactory factory =
                new SpinnerValueFactory.DoubleSpinnerValueFactory(min, max, value.get(), step);
        factory.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Double v) {
                return v == null ? "" : Formats.number(v);
            }

            @Override
            public Double fromString(String text) {
                try {
                    return Double.valueOf(text.trim());
                } catch (NumberFormatException e) {
                    return factory.getValue(); // a typo keeps the old value
                }
            }
        });
        Spinner<Double> spinner = new Spinner<>(factory);
        spinner.getValueFactory().valueProperty().bindBidirectional(value);
        spinner.setId(id);
        spinner.setEditable(true);
        spinner.setPrefWidth(95);
        return spinner;
    }

    /**
     * Labels in the screen's panes keep their full text instead of shrinking to "...": walks layout panes only,
     * not the insides of controls, and leaves wrapping labels alone.
     */
    static void keepLabelsWhole(Node node) {
        if (node instanceof Label label && !label.isWrapText()) {
            label.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        } else if (node instanceof javafx.scene.layout.Pane pane) {
            pane.getChildren().forEach(FormControls::keepLabelsWhole);
        }
    }

    static Label sectionTitle(String text) {
        Label label = new Label(text);
        label.getStyleClass().add("section-title");
        return label;
    }

    static Label screenTitle(String text) {
        Label label = new Label(text);
        label.getStyleClass().add("screen-title");
        return label;
    }

    /** A red label bound to an error text, hidden while it is empty. */
    static Label inlineError(String id, javafx.beans.value.ObservableStringValue text) {
        Label error = new Label();
        error.setId(id);
        error.getStyleClass().add("inline-error");
        error.setWrapText(true);
        error.textProperty().bind(text);
        error.visibleProperty().bind(error.textProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());
        return error;
    }

    static Node card(Node... children) {
        javafx.scene.layout.VBox box = new javafx.scene.layout.VBox(6, children);
        box.getStyleClass().add("card");
        return box;
    }
}
