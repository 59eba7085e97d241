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
        browse.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // never cut to "Bro..."
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
        SpinnerValueFactory.IntegerSpinnerValueFactory factory =
                new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, value.get(), step);
        factory.setConverter(strictConverter(NumberText.Rule.integer(min, max), factory, Number::intValue));
        return strictSpinner(id, factory, value, NumberText.Rule.integer(min, max));
    }

    static Spinner<Double> doubleSpinner(String id, ObjectProperty<Double> value, double min, double max, double step) {
        SpinnerValueFactory.DoubleSpinnerValueFactory factory =
                new SpinnerValueFactory.DoubleSpinnerValueFactory(min, max, value.get(), step);
        factory.setConverter(strictConverter(NumberText.Rule.real(min, max), factory, Number::doubleValue));
        Spinner<Double> spinner = strictSpinner(id, factory, value, NumberText.Rule.real(min, max));
        spinner.getStyleClass().add(NumberField.REAL_NUMBER);
        return spinner;
    }

    /**
     * An editable spinner whose typed text becomes its value only when it is a number within range; otherwise the
     * editor turns red, says why, and the value stays (the factory would otherwise clamp or drop characters).
     */
    private static <T> Spinner<T> strictSpinner(String id, SpinnerValueFactory<T> factory, ObjectProperty<T> value,
                                                NumberText.Rule rule) {
        Spinner<T> spinner = new Spinner<>(factory);
        spinner.getValueFactory().valueProperty().bindBidirectional(value);
        spinner.setId(id);
        spinner.setEditable(true);
        spinner.setPrefWidth(95);
        spinner.setMinWidth(70); // a crowded row must not squeeze the number out of view
        javafx.beans.property.ReadOnlyStringWrapper problem = new javafx.beans.property.ReadOnlyStringWrapper("");
        spinner.getEditor().textProperty().addListener((obs, old, text) ->
                NumberField.showProblem(spinner.getEditor(), spinner, rule, text, problem));
        spinner.getProperties().put(PROBLEM_KEY, problem.getReadOnlyProperty());
        // Enter commits the typed value and goes no further (no default button fires from a number field)
        spinner.getEditor().addEventHandler(javafx.event.ActionEvent.ACTION, javafx.event.Event::consume);
        return spinner;
    }

    /** Key of a strict spinner's problem text (a ReadOnlyStringProperty) in its properties. */
    static final String PROBLEM_KEY = "numberProblem";

    private static <T> javafx.util.StringConverter<T> strictConverter(NumberText.Rule rule, SpinnerValueFactory<T> factory,
                                                                       java.util.function.Function<Number, T> cast) {
        return new javafx.util.StringConverter<>() {
            @Override
            public String toString(T v) {
                if (v == null) {
                    return "";
                }
                return rule.whole() ? Long.toString(((Number) v).longValue()) : Formats.number(((Number) v).doubleValue());
            }

            @Override
            public T fromString(String text) {
                return NumberText.parse(text, rule) instanceof NumberText.Valid valid
                        ? cast.apply(valid.value()) : factory.getValue(); // bad text keeps the value and stays red
            }
        };
    }

    /**
     * Labels in the screen's panes keep their full text instead of shrinking to "...": walks layout panes only,
     * not the insides of controls, and leaves wrapping labels alone.
     */
    /** A choice box over an enum that shows words, not constant names. */
    static <T> javafx.scene.control.ChoiceBox<T> choice(String id, T[] values, ObjectProperty<T> value,
                                                       java.util.function.Function<T, String> label) {
        javafx.scene.control.ChoiceBox<T> box = new javafx.scene.control.ChoiceBox<>();
        box.setId(id);
        box.getItems().setAll(values);
        box.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(T item) {
                return item == null ? "" : label.apply(item);
            }

            @Override
            public T fromString(String text) {
                return box.getItems().stream().filter(item -> label.apply(item).equals(text)).findFirst().orElse(null);
            }
        });
        box.valueProperty().bindBidirectional(value);
        return box;
    }

    static void keepLabelsWhole(Node node) {
        if (node instanceof Label label && !label.isWrapText()) {
            label.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        } else if (node instanceof javafx.scene.layout.Pane pane) {
            pane.getChildren().forEach(FormControls::keepLabelsWhole);
        }
    }

    /** A hint line bound to {@code text}, hidden while it is empty. */
    static Label hintLine(String id, javafx.beans.value.ObservableStringValue text) {
        Label label = new Label();
        label.setId(id);
        label.getStyleClass().add("hint");
        label.setWrapText(true);
        label.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        label.textProperty().bind(text);
        label.visibleProperty().bind(label.textProperty().isNotEmpty());
        label.managedProperty().bind(label.visibleProperty());
        return label;
    }

    /**
     * Beside a start button: why it is disabled (no model open, a job running), or how to cancel a running one.
     * {@code what} names the model the screen needs ("the model to recover").
     */
    static Label whyDisabled(String id, WorkbenchContext context, javafx.beans.value.ObservableBooleanValue running,
                             String what) {
        Label hint = new Label();
        hint.setId(id);
        hint.getStyleClass().add("hint");
        hint.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> running.get()
                        ? "Running: the form is locked until it ends. Cancel with the status bar's Cancel button."
                        : context.state().getCurrentModel() == null
                        ? "Open " + what + " on the Model screen first." : "",
                running, context.state().currentModelProperty()));
        return hint;
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
