package org.rankadaptor.cli;

import org.rankadaptor.job.CancelCheck;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C handling for long commands: the shutdown hook asks the running stage to cancel, then waits for it to write
 * its checkpoint and store rows before the JVM exits.
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

    /** The command finished (normally or not): the shutdown hook need not wait. */
    static void markFinished() {
        FINISHED.countDown();
    }

    public static CancelCheck cancelCheck() {
        return CANCELLED::get;
    }
}
