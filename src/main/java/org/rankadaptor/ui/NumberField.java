package org.rankadaptor.ui;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.Tooltip;

/**
 * A text field for one number. The value changes only when the text is committed (Enter or leaving the field) and
 * parses to a number within range; while the text is not such a number the field turns red and its tooltip and
 * {@link #problemProperty()} say why, and the value keeps what it had. Nothing is ever silently corrected.
 */
final class NumberField extends TextField {
    static final String INVALID = "invalid-input";
    /** Marks the fields that take a real number, so a test can find every one of them. */
    static final String REAL_NUMBER = "real-number-field";

    private final ObjectProperty<Number> value = new SimpleObjectProperty<>(this, "value");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    private final NumberText.Rule rule;

    NumberField(NumberText.Rule rule, Number initial) {
        this.rule = rule;
        value.set(initial);
        setText(initial == null ? "" : format(initial));
        if (!rule.whole()) {
            getStyleClass().add(REAL_NUMBER);
        }
        setPrefColumnCount(8);
        value.addListener((obs, old, v) -> {
            if (v != null && !(NumberText.parse(getText(), rule) instanceof NumberText.Valid valid
                    && valid.value().doubleValue() == v.doubleValue())) {
                setText(format(v));
            }
        });
        textProperty().addListener((obs, old, text) -> showProblem(this, this, rule, text, problem));
        setOnAction(e -> {
            commit();
            e.consume(); // Enter commits this field and does nothing else
        });
        focusedProperty().addListener((obs, was, focused) -> {
            if (!focused) {
                commit();
            }
        });
    }

    /** Parses the text; a valid number becomes the value, anything else leaves it and stays marked. */
    void commit() {
        if (NumberText.parse(getText(), rule) instanceof NumberText.Valid valid) {
            value.set(valid.value());
        }
    }

    ObjectProperty<Number> valueProperty() {
        return value;
    }

    /** Why the text is not a usable number, or empty. */
    ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    private String format(Number v) {
        return rule.whole() ? Long.toString(v.longValue()) : Formats.number(v.doubleValue());
    }

    /**
     * Marks {@code field} red while {@code text} is not a number within {@code rule}, with the reason as the tooltip
     * of {@code tooltipOwner} (a spinner's editor takes its tooltip from the spinner).
     */
    static void showProblem(TextInputControl field, javafx.scene.control.Control tooltipOwner, NumberText.Rule rule,
                            String text, ReadOnlyStringWrapper problem) {
        NumberText.Parsed parsed = NumberText.parse(text, rule);
        if (parsed instanceof NumberText.Invalid invalid) {
            if (!field.getStyleClass().contains(INVALID)) {
                field.getStyleClass().add(INVALID);
            }
            tooltipOwner.setTooltip(new Tooltip(invalid.reason() + "; the value stays as it was until this is fixed"));
            problem.set(invalid.reason());
        } else {
            field.getStyleClass().remove(INVALID);
            tooltipOwner.setTooltip(new Tooltip(rule.describe()));
            problem.set("");
        }
    }
}
