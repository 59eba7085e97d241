package org.rankadaptor.ui;

import org.rankadaptor.stage.CancelledException;
import org.rankadaptor.model.CheckpointException;

/** One-line, user-facing descriptions of failures (no stack traces in the window). */
public final class ErrorMessages {
    private ErrorMessages() {
    }

    public static String describe(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof OutOfMemoryError) {
            return "out of memory (" + nonEmpty(cause.getMessage(), "heap") + "); try a smaller model or a larger -Xmx (max "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB)";
        }
        if (cause instanceof CheckpointException || cause instanceof CancelledException
                || cause instanceof IllegalArgumentException) {
            return nonEmpty(cause.getMessage(), cause.getClass().getSimpleName());
        }
        return cause.getClass().getSimpleName() + ": " + nonEmpty(cause.getMessage(), "no detail");
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.lang.reflect.InvocationTargetException
                || isPlainWrapper(t))
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** new RuntimeException(cause) adds nothing but the cause's toString as its message. */
    private static boolean isPlainWrapper(Throwable t) {
        return t.getClass() == RuntimeException.class && t.getCause() != null
                && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()));
    }

    private static String nonEmpty(String text, String fallback) {
        return text == null || text.isBlank() ? fallback : text;
    }
}
