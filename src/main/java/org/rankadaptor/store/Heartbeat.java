package org.rankadaptor.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Touches a running row's heartbeat every few seconds on a daemon thread, so a crashed or hung job can be
 * told apart from a slow one. Close it when the job ends.
 */
public final class Heartbeat implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private final RunLifecycle lifecycle;
    private final RunRef run;
    private final ScheduledExecutorService executor;
    private final AtomicReference<RuntimeException> lastFailure = new AtomicReference<>();
    private volatile boolean stillRunning = true;

    private Heartbeat(RunLifecycle lifecycle, RunRef run, Duration interval) {
        this.lifecycle = lifecycle;
        this.run = run;
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "heartbeat-" + run.kind().name().toLowerCase() + "-" + run.id());
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(this::beat, millis, millis, TimeUnit.MILLISECONDS);
    }

    public static Heartbeat start(RunLifecycle lifecycle, RunRef run, Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new StoreException("heartbeat interval for " + run + " must be positive, got " + interval);
        }
        return new Heartbeat(lifecycle, run, interval);
    }

    private void beat() {
        try {
            stillRunning = lifecycle.touch(run);
            lastFailure.set(null);
        } catch (RuntimeException e) {
            // A failed beat must not kill the schedule; the next one may succeed.
            lastFailure.set(e);
        }
    }

    /** Beats now, on the caller's thread. */
    public boolean touch() {
        stillRunning = lifecycle.touch(run);
        return stillRunning;
    }

    /** False once a beat found the row no longer RUNNING (interrupted or cancelled elsewhere). */
    public boolean stillRunning() {
        return stillRunning;
    }

    /** The error from the most recent beat, if it failed. */
    public RuntimeException lastFailure() {
        return lastFailure.get();
    }

    public RunRef run() {
        return run;
    }

    public void stop() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
