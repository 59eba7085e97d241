package org.rankadaptor.model;

/** A checkpoint, tokenizer or config could not be read; the message names the file and the field or tensor. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
