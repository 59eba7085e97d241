package org.rankadaptor.cli;

import org.rankadaptor.stage.CancelCheck;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C handling for long commands. SIGINT only asks the running stage to cancel: the stage writes its checkpoint,
 * the store marks the run CANCELLED, and the command exits with 130 (a second Ctrl-C exits at once). Other shutdowns
 * (SIGTERM) go through a hook that also asks for cancellation and waits; the store may be closed by then, and such a
 * run is marked INTERRUPTED on the next open.
 */
public final class Interrupts {
    private static final AtomicBoolean CANCELLED = new AtomicBoolean();
    private static final CountDownLatch FINISHED = new CountDownLatch(1);
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static final long GRACE_SECONDS = 120;

    private Interrupts() {
    }

    static void install() {
        if (INSTALLED.compareAndSet(false, true)) {
            handleInterruptSignal();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (FINISHED.getCount() == 0) {
                    return;
                }
                CANCELLED.set(true);
                System.err.println("\ninterrupted: stopping cleanly (saving state)...");
                try {
                    FINISHED.await(GRACE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "rankadaptor-interrupt"));
        }
    }

    @SuppressWarnings("removal")
    private static void handleInterruptSignal() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
                if (CANCELLED.getAndSet(true)) {
                    Runtime.getRuntime().halt(130);
                }
                System.err.println("\ninterrupted: stopping cleanly (saving state; Ctrl-C again to quit now)...");
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGINT on this platform: the shutdown hook still cancels
        }
    }

    /** The command finished (normally or not): the shutdown hook need not wait. */
    static void markFinished() {
        FINISHED.countDown();
    }

    public static CancelCheck cancelCheck() {
        return CANCELLED::get;
    }
}
