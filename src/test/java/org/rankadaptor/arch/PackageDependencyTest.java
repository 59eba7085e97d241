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
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("stage", Set.of()),
            Map.entry("store", Set.of()),
            Map.entry("model", Set.of("stage")),
            Map.entry("prune", Set.of("stage", "model")),
            Map.entry("lora", Set.of("stage", "model")),
            Map.entry("eval", Set.of("stage", "model", "lora")),
            Map.entry("search", Set.of("stage", "model", "lora")),
            Map.entry("job", Set.of("stage", "model", "prune", "lora", "eval", "search", "store")),
            // Workers never open the store: cluster/ reaches job/ only for classes that do not touch store/ either.
            Map.entry("cluster", Set.of("stage", "model", "lora", "eval", "search", "job")),
            Map.entry("cli", Set.of("stage", "model", "prune", "lora", "eval", "search", "store", "job", "cluster", "ui")),
            Map.entry("ui", Set.of("stage", "model", "prune", "lora", "eval", "search", "store", "job", "cluster")));

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

    /**
     * The job/ classes cluster/ uses, and every job/ class they use in turn, stay clear of store/: a worker
     * measures without ever opening the workspace database.
     */
    @Test
    void theClusterReachesTheStoreThroughNoJobClass() throws IOException {
        Path job = SOURCES.resolve("job");
        Map<String, String> jobSources = new java.util.HashMap<>();
        try (Stream<Path> files = Files.list(job)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                jobSources.put(f.getFileName().toString().replace(".java", ""), Files.readString(f));
            }
        }
        java.util.Deque<String> todo = new java.util.ArrayDeque<>();
        try (Stream<Path> files = Files.walk(SOURCES.resolve("cluster"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = Pattern.compile("org\\.rankadaptor\\.job\\.([A-Z]\\w*)").matcher(Files.readString(f));
                while (m.find()) {
                    todo.add(m.group(1));
                }
            }
        }
        assertTrue(!todo.isEmpty(), "cluster/ uses job/ (MeasurementSetup); this test should see it");
        Set<String> reached = new java.util.TreeSet<>();
        while (!todo.isEmpty()) {
            String name = todo.poll();
            if (!reached.add(name) || !jobSources.containsKey(name)) {
                continue;
            }
            String source = jobSources.get(name);
            for (String other : jobSources.keySet()) {
                if (!other.equals(name) && Pattern.compile("\\b" + other + "\\b").matcher(source).find()) {
                    todo.add(other);
                }
            }
        }
        List<String> violations = reached.stream().filter(jobSources::containsKey)
                .filter(n -> jobSources.get(n).contains("org.rankadaptor.store.")).toList();
        assertEquals(List.of(), violations, "job classes reachable from cluster/ " + reached + " must not use store/");
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
