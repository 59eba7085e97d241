package org.rankadaptor.store;

import java.util.EnumSet;
import java.util.Set;

/** Lifecycle of a pruning run, recovery run or search. */
public enum RunStatus {
    QUEUED,
    RUNNING,
    DONE,
    FAILED,
    CANCELLED,
    /** Was RUNNING when its process died or stopped sending heartbeats; can be resumed. */
    INTERRUPTED;

    /** States a row may be in just before it moves to this one. */
    public Set<RunStatus> allowedPredecessors() {
        return switch (this) {
            case QUEUED -> EnumSet.noneOf(RunStatus.class);
            // FAILED and INTERRUPTED runs may be retried / resumed.
            case RUNNING -> EnumSet.of(QUEUED, INTERRUPTED, FAILED, CANCELLED);
            case DONE, FAILED, INTERRUPTED -> EnumSet.of(RUNNING);
            case CANCELLED -> EnumSet.of(QUEUED, RUNNING, INTERRUPTED);
        };
    }

    public boolean canFollow(RunStatus previous) {
        return allowedPredecessors().contains(previous);
    }

    public boolean isTerminal() {
        return this == DONE;
    }

    static RunStatus parse(String value, String where) {
        try {
            return RunStatus.valueOf(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StoreException("unknown run status '" + value + "' in " + where);
        }
    }
}
