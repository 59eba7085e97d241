package org.rankadaptor.lora;

/** Bad adapter input (plan files, adapter directories, settings); the message names the file, field or module. */
public class LoraException extends RuntimeException {
    public LoraException(String message) {
        super(message);
    }

    public LoraException(String message, Throwable cause) {
        super(message, cause);
    }
}
