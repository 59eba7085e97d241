package org.rankadaptor.cluster;

import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.RetryableException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;

import java.util.function.Supplier;

/**
 * Map operations while a member dies or partitions migrate can fail for a moment (the connection to the dead
 * member closes under the call); they succeed once the cluster has moved the data to its backups. Retries those,
 * for up to about 30 s, and nothing else.
 */
final class Retry {
    private static final int ATTEMPTS = 300;
    private static final long PAUSE_MILLIS = 100;

    private Retry() {
    }

    static <T> T transiently(String what, Supplier<T> operation) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return operation.get();
            } catch (RuntimeException e) {
                if (!isTransient(e)) {
                    throw e;
                }
                last = e;
            }
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + what, e);
            }
        }
        throw new IllegalStateException("the cluster kept failing while " + what + ": " + last.getMessage(), last);
    }

    static void transiently(String what, Runnable operation) {
        transiently(what, () -> {
            operation.run();
            return null;
        });
    }

    private static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TargetDisconnectedException || c instanceof MemberLeftException
                    || c instanceof TargetNotMemberException || c instanceof RetryableException) {
                return true;
            }
        }
        return false;
    }
}
