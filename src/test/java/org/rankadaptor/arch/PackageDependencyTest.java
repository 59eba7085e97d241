package org.rankadaptor.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the package graph pointing one way: ui/cli -> job -> stages -> stage (progress/cancel) and model. Reads the
 * main sources' imports (and fully qualified references), so a new arrow the wrong way fails the build.
 */
class PackageDependencyTest {
    private static final Path SOURCES = Path.of("src/main/java/org/rankadaptor");
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.rankadaptor\\.([a-z]+)\\.");

    /** Which of our packages each package may use; anything not listed is forbidden. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "stage", Set.of(),
            "store", Set.of(),
            "model", Set.of("stage"),
            "prune", Set.of("stage", "model"),
            "lora", Set.of("stage", "model"),
            "eval", Set.of("stage", "model", "lora"),
            "search", Set.of("stage", "model", "lora"),
            "job", Set.of("stage", "model", "prune", "lora", "eval", "search", "store"),
            "cli", Set.of("stage", "model", "prune", "lora", "eval", "search", "store", "job", "ui"),
            "ui", Set.of("stage", "model", "prune", "lora", "eval", "search", "store", "job"));

    @Test
    void everyPackageUsesOnlyThePackagesBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : mainSources()) {
            String owner = owningPackage(file);
            Set<String> allowed = ALLOWED.get(owner);
            assertTrue(allowed != null, "package " + owner + " has no rule in " + getClass().getSimpleName());
            Matcher m = REFERENCE.matcher(Files.readString(file));
            while (m.find()) {
                String used = m.group(1);
                if (!used.equals(owner) && !allowed.contains(used)) {
                    violations.add(SOURCES.relativize(file) + " uses " + used + "/");
                }
            }
        }
        assertEquals(List.of(), violations.stream().distinct().toList());
    }

    @Test
    void onlyTheUiPackageImportsJavafx() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : mainSources()) {
            if (!owningPackage(file).equals("ui") && Files.readString(file).contains("import javafx")) {
                violations.add(SOURCES.relativize(file).toString());
            }
        }
        assertEquals(List.of(), violations);
    }

    private static List<Path> mainSources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    private static String owningPackage(Path file) {
        return SOURCES.relativize(file).getName(0).toString();
    }
}
