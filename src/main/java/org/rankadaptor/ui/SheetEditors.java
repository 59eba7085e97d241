package org.rankadaptor.ui;

import javafx.beans.value.ObservableValue;
import javafx.util.Callback;
import org.controlsfx.control.PropertySheet;
import org.controlsfx.property.editor.AbstractPropertyEditor;
import org.controlsfx.property.editor.DefaultPropertyEditorFactory;
import org.controlsfx.property.editor.PropertyEditor;

/**
 * Editors of the hyper-parameter sheets. ControlsFX's own numeric editor drops every character that is not a digit
 * or a dot, so "1e-3" became 13.0; numbers here are {@link NumberField}s, which read "1e-3" and mark bad text red.
 */
final class SheetEditors {
    private SheetEditors() {
    }

    static Callback<PropertySheet.Item, PropertyEditor<?>> factory() {
        DefaultPropertyEditorFactory defaults = new DefaultPropertyEditorFactory();
        return item -> {
            if (item instanceof SheetItem<?> sheetItem && sheetItem.rule() != null) {
                return new NumberEditor(sheetItem);
            }
            return defaults.call(item);
        };
    }

    /** The sheet item's value follows the field's committed value, and the field follows the item. */
    private static final class NumberEditor extends AbstractPropertyEditor<Number, NumberField> {
        NumberEditor(SheetItem<?> item) {
            super(item, field(item));
        }

        private static NumberField field(SheetItem<?> item) {
            NumberField field = new NumberField(item.rule(), (Number) item.getValue());
            field.setId("sheet-" + item.getName().replaceAll("[^A-Za-z0-9]", ""));
            return field;
        }

        @Override
        protected ObservableValue<Number> getObservableValue() {
            return getEditor().valueProperty();
        }

        @Override
        public void setValue(Number value) {
            getEditor().valueProperty().set(value);
        }
    }
}
