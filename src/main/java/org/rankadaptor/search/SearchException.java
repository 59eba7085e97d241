package org.rankadaptor.search;

/** Bad search input or an impossible search request; the message names the field, file or step at fault. */
public class SearchException extends RuntimeException {
    public SearchException(String message) {
        super(message);
    }

    public SearchException(String message, Throwable cause) {
        super(message, cause);
    }
}
