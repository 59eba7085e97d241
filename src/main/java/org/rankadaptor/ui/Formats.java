package org.rankadaptor.ui;

import java.util.Locale;

/** Number formats shared by the screens. */
public final class Formats {
    private Formats() {
    }

    /** 1234567 -> "1,234,567". */
    public static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** 1234567 -> "1.23M", 260000 -> "260.0K". */
    public static String shortCount(long value) {
        if (value >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fB", value / 1e9);
        }
        if (value >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2fM", value / 1e6);
        }
        if (value >= 1_000L) {
            return String.format(Locale.ROOT, "%.1fK", value / 1e3);
        }
        return Long.toString(value);
    }

    public static String bytes(long value) {
        if (value >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GB", value / (double) (1L << 30));
        }
        if (value >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MB", value / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KB", value / 1024.0);
    }

    /** Short, exact enough for a form field: 0.001 -> "0.001", 1e-6 -> "1E-6", 0.25 -> "0.25". */
    public static String number(double value) {
        if (value != 0 && Math.abs(value) < 1e-3) {
            return new java.text.DecimalFormat("0.###E0", java.text.DecimalFormatSymbols.getInstance(Locale.ROOT)).format(value);
        }
        return new java.text.DecimalFormat("0.######", java.text.DecimalFormatSymbols.getInstance(Locale.ROOT)).format(value);
    }

    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
