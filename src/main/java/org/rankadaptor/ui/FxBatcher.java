package org.rankadaptor.ui;

import javafx.application.Platform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Hands items from the job thread to the FX thread in batches: however fast a stage reports (a training step every
 * few milliseconds), at most one {@code Platform.runLater} is pending, and charts redraw once per batch.
 */
public final class FxBatcher<T> {
    private final ConcurrentLinkedQueue<T> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Consumer<List<T>> onFxThread;

    public FxBatcher(Consumer<List<T>> onFxThread) {
        this.onFxThread = onFxThread;
    }

    /** Any thread. */
    public void offer(T item) {
        pending.add(item);
        if (scheduled.compareAndSet(false, true)) {
            Platform.runLater(this::drain);
        }
    }

    private void drain() {
        scheduled.set(false);
        List<T> batch = new ArrayList<>();
        for (T item = pending.poll(); item != null; item = pending.poll()) {
            batch.add(item);
        }
        if (!batch.isEmpty()) {
            onFxThread.accept(batch);
        }
    }
}
