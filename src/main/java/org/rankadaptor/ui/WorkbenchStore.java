package org.rankadaptor.ui;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.rankadaptor.job.Recording;
import org.rankadaptor.store.Workspace;

import java.util.function.Supplier;

/**
 * The workspace store (H2) of the workbench. It is opened as the first job, so every later job sees it; when it
 * cannot be opened (corrupt file, locked by another process) the app still runs, jobs record nowhere and the error
 * banner says why. Jobs read {@link #recording()} on the job thread; screens follow {@link #workspaceProperty()}.
 */
public final class WorkbenchStore implements AutoCloseable {
    private final ReadOnlyObjectWrapper<Workspace> workspace = new ReadOnlyObjectWrapper<>(this, "workspace");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    /** Set on the job thread by the open job, so jobs queued behind it see it before the FX thread does. */
    private volatile Workspace opened;
    private volatile String unavailableReason = "the workspace store is still opening";
    private final WorkbenchSettings settings;

    private WorkbenchStore(LogConsole log) {
        this.settings = new WorkbenchSettings(log);
    }

    /** A store that is never opened (tests of screens that need none). */
    public static WorkbenchStore none(LogConsole log) {
        WorkbenchStore store = new WorkbenchStore(log);
        store.unavailableReason = "no workspace store in this session";
        store.problem.set(store.unavailableReason);
        return store;
    }

    /** Queues opening the workspace as the next job. FX thread. */
    public static WorkbenchStore open(JobRunner jobs, LogConsole log, Supplier<Workspace> opener) {
        WorkbenchStore store = new WorkbenchStore(log);
        var task = jobs.submit("Open workspace", ctx -> {
            try {
                Workspace ws = opener.get();
                store.opened = ws;
                return ws;
            } catch (RuntimeException e) {
                store.unavailableReason = "workspace store unavailable (" + ErrorMessages.describe(e)
                        + "); runs are not recorded";
                throw e;
            }
        }, ws -> {
            store.workspace.set(ws);
            store.settings.load(ws.directory());
        });
        task.addEventHandler(javafx.concurrent.WorkerStateEvent.WORKER_STATE_FAILED,
                e -> store.problem.set(store.unavailableReason));
        return store;
    }

    /** Where jobs record: the workspace, or nowhere when it is not open. Any thread. */
    public Recording recording() {
        Workspace ws = opened;
        return ws == null ? Recording.none() : Recording.to(ws);
    }

    /** The open workspace, or a clear error naming why there is none. Any thread. */
    public Workspace require(String action) {
        Workspace ws = opened;
        if (ws == null) {
            throw new IllegalArgumentException("cannot " + action + ": " + unavailableReason);
        }
        return ws;
    }

    /** The open workspace or null. Any thread. */
    public Workspace orNull() {
        return opened;
    }

    /** The workspace once the FX thread knows it is open; null before or when it failed. */
    public ReadOnlyObjectProperty<Workspace> workspaceProperty() {
        return workspace.getReadOnlyProperty();
    }

    /** Why runs are not recorded, or empty. */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    /** The last settings of each screen, saved in the workspace folder once it is open. */
    public WorkbenchSettings settings() {
        return settings;
    }

    /** Closes the workspace on the job thread after queued jobs. */
    public void closeAfter(JobRunner jobs) {
        settings.flush();
        jobs.runAfterQueuedJobs("close workspace", () -> {
            Workspace ws = opened;
            opened = null;
            if (ws != null) {
                ws.close();
            }
        });
    }

    @Override
    public void close() {
        Workspace ws = opened;
        opened = null;
        if (ws != null) {
            ws.close();
        }
    }
}
