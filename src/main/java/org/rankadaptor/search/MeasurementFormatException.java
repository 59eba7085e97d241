package org.rankadaptor.search;

/** A measurement file row that cannot be used; the message starts with "file:line". */
public class MeasurementFormatException extends SearchException {
    public MeasurementFormatException(String message) {
        super(message);
    }

    public MeasurementFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
