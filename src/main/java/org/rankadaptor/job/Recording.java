package org.rankadaptor.job;

import org.rankadaptor.store.Workspace;

import java.util.Optional;

/**
 * Where a job records its run: a workspace store, or nowhere (a CLI run with no workspace). Jobs ask
 * {@link #workspace()} and skip storing when it is empty.
 */
public final class Recording {
    private static final Recording NONE = new Recording(null);
    private final Workspace workspace;

    private Recording(Workspace workspace) {
        this.workspace = workspace;
    }

    public static Recording none() {
        return NONE;
    }

    public static Recording to(Workspace workspace) {
        return new Recording(workspace);
    }

    public Optional<Workspace> workspace() {
        return Optional.ofNullable(workspace);
    }
}
