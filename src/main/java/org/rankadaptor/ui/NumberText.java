package org.rankadaptor.ui;

import java.util.Locale;

/**
 * Reads what a user typed into a numeric field. Real numbers accept every form Java writes and people type
 * ("0.001", "1e-3", "1E-3", "1.0E-4", ".5"); whole numbers accept digits and an optional sign. Nothing is dropped or
 * rounded: text that is not a number, or lies outside the field's range, is an {@link Invalid} with the reason.
 */
final class NumberText {
    /** What parsing gave: a value, or why there is none. */
    sealed interface Parsed permits Valid, Invalid {
    }

    record Valid(Number value) implements Parsed {
    }

    record Invalid(String reason) implements Parsed {
    }

    /** Whole or real numbers, within [min, max]. */
    record Rule(boolean whole, double min, double max) {
        static Rule real(double min, double max) {
            return new Rule(false, min, max);
        }

        static Rule integer(long min, long max) {
            return new Rule(true, min, max);
        }

        String describe() {
            return (whole ? "a whole number" : "a number") + " from " + Formats.number(min) + " to "
                    + Formats.number(max);
        }
    }

    private NumberText() {
    }

    static Parsed parse(String text, Rule rule) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            return new Invalid("empty: type " + rule.describe());
        }
        double value;
        if (rule.whole()) {
            try {
                value = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
            } catch (NumberFormatException e) {
                return new Invalid("'" + t + "' is not " + rule.describe());
            }
        } else {
            // Double.parseDouble also takes "NaN", "Infinity" and hex floats, and suffixes like "1d": refuse those
            if (!t.toLowerCase(Locale.ROOT).matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
                return new Invalid("'" + t + "' is not a number (examples: 0.001, 1e-3)");
            }
            value = Double.parseDouble(t);
        }
        if (value < rule.min() || value > rule.max()) {
            return new Invalid(Formats.number(value) + " is outside the allowed range: type " + rule.describe());
        }
        return new Valid(rule.whole() ? (Number) Integer.valueOf((int) value) : (Number) Double.valueOf(value));
    }
}
