package org.rankadaptor.ui;

import javafx.animation.AnimationTimer;

import java.util.function.BooleanSupplier;

/**
 * Measures the longest gap between FX pulses, and, as a control, the longest stall of a plain thread that sleeps
 * 10 ms at a time. On a loaded machine both stall together; a blocked FX thread stalls alone.
 */
final class PulseWatchdog {
    private final AnimationTimer timer;
    private final Thread control;
    private volatile long lastPulse;
    private volatile long maxPulseGapNanos;
    private volatile long maxPulseGapDuringJobNanos;
    private boolean jobRunningAtLastPulse;
    private volatile long maxControlStallNanos;
    private volatile boolean running = true;
    /** Where the FX thread was the first time a pulse was 200 ms overdue: the culprit when the test fails. */
    private volatile String stalledAt = "";
    private long sampledStallSteps;

    /**
     * @param jobRunning read on the FX thread at each pulse; a gap counts as "during a job" when a job ran at both
     *                   of its ends, so it excludes the moment a finished job's result is put on screen
     */
    PulseWatchdog(BooleanSupplier jobRunning) {
        timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                long t = System.nanoTime();
                boolean running = jobRunning.getAsBoolean();
                if (lastPulse != 0) {
                    maxPulseGapNanos = Math.max(maxPulseGapNanos, t - lastPulse);
                    if (running && jobRunningAtLastPulse) {
                        maxPulseGapDuringJobNanos = Math.max(maxPulseGapDuringJobNanos, t - lastPulse);
                    }
                }
                jobRunningAtLastPulse = running;
                lastPulse = t;
            }
        };
        control = new Thread(() -> {
            while (running) {
                long before = System.nanoTime();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
                maxControlStallNanos = Math.max(maxControlStallNanos, System.nanoTime() - before - 10_000_000L);
                long overdue = lastPulse == 0 ? 0 : System.nanoTime() - lastPulse;
                if (overdue > 200_000_000L && overdue / 250_000_000L > sampledStallSteps) {
                    sampledStallSteps = overdue / 250_000_000L;
                    stalledAt = stalledAt + "\n--- " + overdue / 1_000_000 + " ms overdue:" + fxThreadStack();
                } else if (overdue < 200_000_000L) {
                    sampledStallSteps = 0;
                }
            }
        }, "pulse-watchdog-control");
        control.setDaemon(true);
    }

    private static String fxThreadStack() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, frames) -> {
            if (thread.getName().equals("JavaFX Application Thread") || thread.getName().startsWith("QuantumRenderer")) {
                out.append("\n  [").append(thread.getName()).append("]");
                for (int i = 0; i < Math.min(frames.length, 40); i++) {
                    out.append("\n    at ").append(frames[i]);
                }
            }
        });
        return out.toString();
    }

    String stalledAt() {
        return stalledAt;
    }

    /** FX thread. */
    void start() {
        timer.start();
        control.start();
    }

    /** FX thread. */
    void stop() {
        timer.stop();
        running = false;
        control.interrupt();
    }

    double maxPulseGapDuringJobMillis() {
        return maxPulseGapDuringJobNanos / 1e6;
    }

    double maxPulseGapMillis() {
        return maxPulseGapNanos / 1e6;
    }

    double maxControlStallMillis() {
        return maxControlStallNanos / 1e6;
    }

    /** How late the FX thread was while a job ran, beyond what the machine's load explains. */
    double excessGapDuringJobMillis() {
        return maxPulseGapDuringJobMillis() - maxControlStallMillis();
    }
}
