package org.rankadaptor.cli;

import org.rankadaptor.job.ProgressListener;

import java.io.PrintWriter;

/** Progress lines on the error stream, at most one every two seconds per step (and always the last). */
final class ConsoleProgress implements ProgressListener {
    private static final long INTERVAL_NANOS = 2_000_000_000L;
    private final PrintWriter err;
    private long lastPrinted;
    private String lastStep = "";

    ConsoleProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void onProgress(String step, long done, long total, String message) {
        long now = System.nanoTime();
        boolean finished = total > 0 && done >= total;
        if (step.equals(lastStep) && !finished && now - lastPrinted < INTERVAL_NANOS) {
            return;
        }
        lastStep = step;
        lastPrinted = now;
        err.println("[" + step + "] " + message);
        err.flush();
    }
}
