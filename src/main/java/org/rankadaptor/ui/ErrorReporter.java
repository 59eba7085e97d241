package org.rankadaptor.ui;

/** Shows a failure in the window. Called on the FX thread. */
@FunctionalInterface
public interface ErrorReporter {
    void showError(String what, Throwable error);
}
