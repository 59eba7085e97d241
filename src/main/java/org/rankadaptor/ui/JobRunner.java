package org.rankadaptor.ui;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Task;
import javafx.concurrent.WorkerStateEvent;
import org.rankadaptor.stage.StageContext;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Runs every long job of the workbench, one at a time, on a single daemon thread, so stages never compete for the
 * CPU or for DJL's native engine, and models can be closed safely after queued jobs that use them. Methods are called
 * on the FX thread; results and failures come back there.
 */
public final class JobRunner implements AutoCloseable {
    private final LogConsole log;
    private final ErrorReporter errors;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "workbench-job");
        thread.setDaemon(true);
        return thread;
    });
    private final ReadOnlyObjectWrapper<Task<?>> currentJob = new ReadOnlyObjectWrapper<>(this, "currentJob");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private int unfinished;

    public JobRunner(LogConsole log, ErrorReporter errors) {
        this.log = log;
        this.errors = errors;
    }

    /**
     * Queues a job. Its progress and message follow the stage's {@link StageContext} reports; cancelling the returned
     * task makes the context's cancel check true. A failure is shown in the window and logged; {@code onSuccess} runs
     * on the FX thread with the result. Add more handlers with {@code task.addEventHandler(WorkerStateEvent...)}.
     */
    public <T> Task<T> submit(String title, StageJob<T> work, Consumer<? super T> onSuccess) {
        requireFxThread("submit a job");
        StageTask<T> task = new StageTask<>(title, work, log);
        task.addEventHandler(WorkerStateEvent.WORKER_STATE_RUNNING, e -> currentJob.set(task));
        task.addEventHandler(WorkerStateEvent.WORKER_STATE_SUCCEEDED, e -> {
            finished(task);
            log.append("finished: " + title);
            try {
                onSuccess.accept(task.getValue());
            } catch (RuntimeException failure) {
                report(title, failure);
            }
        });
        task.addEventHandler(WorkerStateEvent.WORKER_STATE_FAILED, e -> {
            finished(task);
            report(title, task.getException());
        });
        task.addEventHandler(WorkerStateEvent.WORKER_STATE_CANCELLED, e -> {
            finished(task);
            log.append("cancelled: " + title);
        });
        unfinished++;
        busy.set(true);
        executor.execute(task);
        return task;
    }

    /** Runs {@code action} on the job thread after every job queued so far, e.g. closing a model they may use. */
    public void runAfterQueuedJobs(String what, Runnable action) {
        executor.execute(() -> {
            try {
                action.run();
            } catch (RuntimeException | Error failure) {
                Platform.runLater(() -> report(what, failure));
            }
        });
    }

    /** Cancels the running job; the stage stops at its next cancel check. */
    public void cancelCurrent() {
        requireFxThread("cancel a job");
        Task<?> task = currentJob.get();
        if (task != null) {
            // no interrupt: an interrupted FileChannel closes itself under the stage
            task.cancel(false);
        }
    }

    public ReadOnlyObjectProperty<Task<?>> currentJobProperty() {
        return currentJob.getReadOnlyProperty();
    }

    /** True while a job is running or queued. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public boolean isBusy() {
        return busy.get();
    }

    static void requireFxThread(String action) {
        if (!Platform.isFxApplicationThread()) {
            throw new IllegalStateException("only the FX thread may " + action + ", not " + Thread.currentThread().getName());
        }
    }

    private void finished(Task<?> task) {
        if (currentJob.get() == task) {
            currentJob.set(null);
        }
        unfinished--;
        busy.set(unfinished > 0);
    }

    /** The error reporter shows and logs it (the window's banner writes the log line). */
    private void report(String title, Throwable error) {
        errors.showError(title, error);
    }

    /** Cancels the running job and stops taking new ones; the daemon thread dies with the JVM. */
    @Override
    public void close() {
        cancelCurrent();
        executor.shutdown();
    }

    private static final class StageTask<T> extends Task<T> {
        private final StageJob<T> work;
        private final LogConsole log;
        private final String name;
        private volatile String lastStep = "";

        StageTask(String title, StageJob<T> work, LogConsole log) {
            this.work = work;
            this.log = log;
            this.name = title;
            updateTitle(title);
        }

        @Override
        protected T call() throws Exception {
            log.append("started: " + name);
            // Task coalesces updateProgress/updateMessage into at most one FX update per pulse.
            StageContext context = new StageContext((step, done, total, message) -> {
                if (total > 0) {
                    updateProgress(done, total);
                } else {
                    updateProgress(-1, -1);
                }
                String text = message == null || message.isEmpty() ? step : step + ": " + message;
                updateMessage(total > 0 ? text + " (" + done + "/" + total + ")" : text);
                if (!step.equals(lastStep)) {
                    lastStep = step;
                    log.append(name + ": " + step);
                }
            }, this::isCancelled);
            T result = work.run(context);
            if (isCancelled() && result instanceof AutoCloseable discarded) {
                discarded.close();
            }
            return result;
        }
    }
}
