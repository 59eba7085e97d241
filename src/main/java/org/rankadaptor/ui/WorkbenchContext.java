package org.rankadaptor.ui;

/**
 * What every screen gets: the shared state, the job runner, the log console, the error display, the recent
 * model list and the workspace store.
 */
public record WorkbenchContext(WorkbenchState state, JobRunner jobs, LogConsole log, ErrorReporter errors,
                               RecentModels recentModels, WorkbenchStore store) {
}
