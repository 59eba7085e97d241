package org.rankadaptor.stage;

/** Thrown by a stage that stopped because its cancel check said so. */
public class CancelledException extends RuntimeException {
    public CancelledException(String step) {
        super("cancelled during " + step);
    }
}
