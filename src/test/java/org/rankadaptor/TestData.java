package org.rankadaptor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared real data ($RANKADAPTOR_DATA). Missing data skips a test with a clear message, except in CI
 * (environment CI=true or system property rankadaptor.requireData=true), where it fails.
 */
public final class TestData {
    private TestData() {
    }

    public static Path root() {
        String env = System.getenv("RANKADAPTOR_DATA");
        boolean required = Boolean.getBoolean("rankadaptor.requireData") || "true".equals(System.getenv("CI"));
        Path root = env == null || env.isBlank() ? null : Path.of(env);
        if (root == null || !Files.isDirectory(root)) {
            String message = "RANKADAPTOR_DATA is " + (env == null ? "not set" : "'" + env + "', not a directory")
                    + "; point it at the shared data folder (../shared/data) to run this test";
            if (required) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return root;
    }

    public static Path path(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            throw new AssertionError("RANKADAPTOR_DATA has no " + relative + " (" + p + ")");
        }
        return p;
    }

    public static Path stories260K() {
        return path("models/stories260K");
    }

    public static Path reference(String file) {
        return path("reference/stories260K/" + file);
    }

    /** A reference file of stories260K (reference/stories260K/FILE), parsed as JSON. */
    public static JsonNode referenceJson(String file) {
        Path p = reference(file);
        try {
            return new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read reference " + p, e);
        }
    }
}
