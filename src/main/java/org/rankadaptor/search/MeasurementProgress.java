package org.rankadaptor.search;

import org.rankadaptor.stage.StageContext;

import java.util.Locale;

/**
 * The search's overall progress inside each measurement's own reports: a fine-tune step reads
 * "measurement 3 of 20, about 1:40 left: step 2/10" in the GUI's status bar and the terminal alike, so the
 * innermost step never hides where the search as a whole stands. The estimate is the wall time per measurement
 * finished in this run (parallel measurements included) times the ones still to come.
 */
final class MeasurementProgress {
    private final int total;
    private final long startNanos = System.nanoTime();
    private int measuredHere;

    MeasurementProgress(int total) {
        this.total = total;
    }

    /** The context a measurement of iteration {@code index} (0-based) runs in. */
    StageContext around(StageContext ctx, int index) {
        String prefix = label(index);
        return new StageContext((step, done, all, message) -> ctx.report(step, done, all,
                message == null || message.isEmpty() ? prefix : prefix + ": " + message), ctx.cancel());
    }

    /** Counts a finished measurement into the estimate. */
    void measured() {
        measuredHere++;
    }

    String label(int index) {
        String text = "measurement " + (index + 1) + " of " + total;
        if (measuredHere == 0) {
            return text;
        }
        double left = (System.nanoTime() - startNanos) / 1e9 / measuredHere * Math.max(0, total - index);
        return text + ", about " + duration(left) + " left";
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
