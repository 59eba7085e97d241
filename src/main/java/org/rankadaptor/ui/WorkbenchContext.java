package org.rankadaptor.ui;

/**
 * What every screen gets: the shared state, the job runner, the log console, the error display and the recent
 * model list.
 */
public record WorkbenchContext(WorkbenchState state, JobRunner jobs, LogConsole log, ErrorReporter errors,
                               RecentModels recentModels) {
}
