package org.rankadaptor.ui;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableValue;
import org.controlsfx.control.PropertySheet;

import java.util.Optional;

/** One editable hyper-parameter of a ControlsFX {@link PropertySheet}, backed by a JavaFX property. */
public final class SheetItem<T> implements PropertySheet.Item {
    private final Class<T> type;
    private final String category;
    private final String name;
    private final String description;
    private final ObjectProperty<T> value;
    /** How a numeric item's text is read; null for other types. */
    private NumberText.Rule rule;

    public SheetItem(Class<T> type, String category, String name, String description, T initial) {
        this.type = type;
        this.category = category;
        this.name = name;
        this.description = description;
        this.value = new SimpleObjectProperty<>(this, name, initial);
        if (type == Integer.class) {
            rule = NumberText.Rule.integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
        } else if (type == Double.class) {
            rule = NumberText.Rule.real(-Double.MAX_VALUE, Double.MAX_VALUE);
        }
    }

    /** Limits a numeric item to [min, max]; typed values outside are refused visibly, never clamped. */
    public SheetItem<T> within(double min, double max) {
        if (rule == null) {
            throw new IllegalStateException(name + " is not numeric");
        }
        rule = new NumberText.Rule(rule.whole(), min, max);
        return this;
    }

    NumberText.Rule rule() {
        return rule;
    }

    public ObjectProperty<T> property() {
        return value;
    }

    public T get() {
        return value.get();
    }

    public void set(T v) {
        value.set(v);
    }

    @Override
    public Class<?> getType() {
        return type;
    }

    @Override
    public String getCategory() {
        return category;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public Object getValue() {
        return value.get();
    }

    @Override
    public void setValue(Object v) {
        // the numeric editor may hand back another Number type than the item's
        if (v instanceof Number n && type == Integer.class) {
            value.set(type.cast(n.intValue()));
        } else if (v instanceof Number n && type == Double.class) {
            value.set(type.cast(n.doubleValue()));
        } else {
            value.set(type.cast(v));
        }
    }

    @Override
    public Optional<ObservableValue<? extends Object>> getObservableValue() {
        return Optional.of(value);
    }
}
