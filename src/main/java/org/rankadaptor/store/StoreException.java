package org.rankadaptor.store;

/** Anything that goes wrong reading or writing the workspace database; the message names the file or row. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
