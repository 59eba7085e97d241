package org.rankadaptor.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/** Paths typed into a form field, checked before a job starts; the error names the field. */
final class FieldPaths {
    private FieldPaths() {
    }

    static Path existingFile(String text, String what) {
        return existing(text, what, Files::isRegularFile);
    }

    static Path existingDirectory(String text, String what) {
        return existing(text, what, Files::isDirectory);
    }

    private static Path existing(String text, String what, Predicate<Path> exists) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("choose the " + what);
        }
        Path path = Path.of(text.trim());
        if (!exists.test(path)) {
            throw new IllegalArgumentException(what + " " + path + " does not exist");
        }
        return path;
    }
}
