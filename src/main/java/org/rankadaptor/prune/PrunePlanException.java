package org.rankadaptor.prune;

/** A pruning plan, or a request to build one, does not fit the model; the message says which range or field. */
public class PrunePlanException extends RuntimeException {
    public PrunePlanException(String message) {
        super(message);
    }
}
