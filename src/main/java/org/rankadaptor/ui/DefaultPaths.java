package org.rankadaptor.ui;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where form fields start: files in the shared data folder ($RANKADAPTOR_DATA) and outputs in the workspace. */
final class DefaultPaths {
    private DefaultPaths() {
    }

    /** {@code $RANKADAPTOR_DATA/relative} when it exists, else "" (the user picks a file). */
    static String sharedData(String relative) {
        String data = System.getenv("RANKADAPTOR_DATA");
        if (data == null || data.isBlank()) {
            return "";
        }
        Path path = Path.of(data).resolve(relative);
        return Files.exists(path) ? path.toString() : "";
    }

    /** {@code WORKSPACE/kind/name}: outputs live beside the store that records them. */
    static String output(WorkbenchContext context, String kind, String name) {
        Path base = context.store().orNull() != null ? context.store().orNull().directory()
                : Path.of(System.getProperty("user.home"), ".rankadaptor");
        return base.resolve(kind).resolve(name).toString();
    }
}
