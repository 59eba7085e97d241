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

    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
