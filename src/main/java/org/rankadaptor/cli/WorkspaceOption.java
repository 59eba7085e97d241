package org.rankadaptor.cli;

import org.rankadaptor.job.Recording;
import org.rankadaptor.store.Workspace;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * --workspace DIR for commands that record their runs. An explicit workspace is created when missing; the default
 * one (RANKADAPTOR_WORKSPACE or ~/.rankadaptor) is used only when it already exists, so a plain CLI run leaves no
 * files behind unless the user has a workspace.
 */
public class WorkspaceOption {
    @Option(names = "--workspace", paramLabel = "DIR",
            description = "Record the run in this workspace (default: $RANKADAPTOR_WORKSPACE or ~/.rankadaptor when it exists)")
    Path workspace;

    @Option(names = "--no-store", description = "Do not record the run in any workspace")
    boolean noStore;

    /** The workspace to record into, opened; the caller closes it. */
    public Optional<Workspace> open() {
        if (noStore) {
            return Optional.empty();
        }
        if (workspace != null) {
            return Optional.of(Workspace.open(workspace));
        }
        Path defaultDir = Workspace.defaultDirectory();
        if (Files.exists(defaultDir.resolve(Workspace.DATABASE_NAME + Workspace.DATABASE_SUFFIX))) {
            return Optional.of(Workspace.open(defaultDir));
        }
        return Optional.empty();
    }

    static Recording recording(Optional<Workspace> workspace) {
        return workspace.map(Recording::to).orElse(Recording.none());
    }
}
