package org.rankadaptor.cli;

import org.rankadaptor.stage.ProgressListener;

import java.io.PrintWriter;

/**
 * Progress for long commands: a redrawn bar with rate and ETA on a terminal, plain lines every few seconds otherwise
 * (logs, pipes, CI).
 */
public final class TerminalProgress implements ProgressListener {
    private static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;
    private static final long BAR_INTERVAL_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 28;

    private final PrintWriter out;
    private final boolean interactive;
    private String step = "";
    private long stepStart;
    private long lastPrint;

    public TerminalProgress(PrintWriter out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Bar on a console, plain lines when stderr is redirected. */
    public static TerminalProgress forStderr() {
        return on(new PrintWriter(System.err, true));
    }

    /** On a command's error stream (tests capture it). */
    public static TerminalProgress on(PrintWriter err) {
        return new TerminalProgress(err, System.console() != null);
    }

    @Override
    public synchronized void onProgress(String stepName, long done, long total, String message) {
        long now = System.nanoTime();
        if (!stepName.equals(step)) {
            if (interactive && !step.isEmpty()) {
                out.println();
            }
            step = stepName;
            stepStart = now;
            lastPrint = 0;
        }
        boolean finished = total > 0 && done >= total;
        long interval = interactive ? BAR_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS;
        if (!finished && lastPrint != 0 && now - lastPrint < interval) {
            return;
        }
        lastPrint = now;
        String line = format(stepName, done, total, message, (now - stepStart) / 1e9);
        if (interactive) {
            out.print("\r" + line + "\u001b[K");
            if (finished) {
                out.println();
                step = "";
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String format(String step, long done, long total, String message, double elapsedSeconds) {
        double rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
        StringBuilder sb = new StringBuilder(step).append(' ');
        if (total > 0) {
            double fraction = Math.min(1, (double) done / total);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            sb.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
            sb.append(done).append('/').append(total).append(String.format(" %3.0f%%", fraction * 100));
            if (rate > 0 && done < total) {
                sb.append(" eta ").append(duration((total - done) / rate));
            }
        } else {
            sb.append(done);
        }
        sb.append(String.format(" %.2f/s", rate)).append(" elapsed ").append(duration(elapsedSeconds));
        if (message != null && !message.isEmpty()) {
            sb.append("  ").append(message);
        }
        return sb.toString();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%d:%02d", s / 60, s % 60);
    }
}
