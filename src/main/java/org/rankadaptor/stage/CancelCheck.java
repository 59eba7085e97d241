package org.rankadaptor.stage;

/** Polled by stages between units of work; a stage that sees true throws {@link CancelledException}. */
@FunctionalInterface
public interface CancelCheck {
    boolean isCancelled();

    CancelCheck NEVER = () -> false;

    default void throwIfCancelled(String step) {
        if (isCancelled()) {
            throw new CancelledException(step);
        }
    }
}
