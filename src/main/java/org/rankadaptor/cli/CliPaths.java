package org.rankadaptor.cli;

import org.rankadaptor.eval.EvalDataException;

import java.nio.file.Path;

/** Default locations derived from the environment. */
final class CliPaths {
    static final String DATA_ENV = "RANKADAPTOR_DATA";

    private CliPaths() {
    }

    /** $RANKADAPTOR_DATA/tasks. */
    static Path defaultTasksDir() {
        String data = System.getenv(DATA_ENV);
        if (data == null || data.isBlank()) {
            throw new EvalDataException("no --data-dir given and " + DATA_ENV + " is not set");
        }
        return Path.of(data, "tasks");
    }
}
