package org.rankadaptor.eval;

/** Evaluation input could not be used: the message names the file, line and field, or the task. */
public class EvalDataException extends RuntimeException {
    public EvalDataException(String message) {
        super(message);
    }

    public EvalDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
