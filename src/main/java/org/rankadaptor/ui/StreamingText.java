package org.rankadaptor.ui;

import javafx.application.Platform;
import org.rankadaptor.model.TextTokenizer;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Streams generated tokens to the FX thread as text. Tokens arrive on the job thread; at most one update is queued at
 * a time, so a fast generator cannot flood the FX thread, and {@link #finish()} always delivers the final text.
 * The whole sequence is decoded each time because byte-fallback tokens only form characters together.
 */
final class StreamingText {
    private final TextTokenizer tokenizer;
    private final Consumer<String> sink;
    private final AtomicBoolean updateQueued = new AtomicBoolean();
    private long[] ids;
    private int length;

    StreamingText(TextTokenizer tokenizer, long[] promptIds, Consumer<String> sink) {
        this.tokenizer = tokenizer;
        this.sink = sink;
        this.ids = Arrays.copyOf(promptIds, Math.max(16, promptIds.length * 2));
        this.length = promptIds.length;
    }

    /** Job thread: one new token. */
    void accept(long id) {
        if (length == ids.length) {
            ids = Arrays.copyOf(ids, ids.length * 2);
        }
        ids[length++] = id;
        if (updateQueued.compareAndSet(false, true)) {
            String text = text();
            Platform.runLater(() -> {
                updateQueued.set(false);
                sink.accept(text);
            });
        }
    }

    /** Job thread: delivers the complete text (queued after any earlier update) and returns it. */
    String finish() {
        String text = text();
        Platform.runLater(() -> sink.accept(text));
        return text;
    }

    private String text() {
        return tokenizer.decode(Arrays.copyOf(ids, length));
    }
}
