package org.rankadaptor.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Recent models kept for the session only (tests, and when preferences are unavailable). */
public final class InMemoryRecentModels implements RecentModels {
    private final List<Path> dirs = new ArrayList<>();

    @Override
    public synchronized List<Path> list() {
        return List.copyOf(dirs);
    }

    @Override
    public synchronized void add(Path dir) {
        Path normalized = dir.toAbsolutePath().normalize();
        dirs.remove(normalized);
        dirs.add(0, normalized);
        while (dirs.size() > LIMIT) {
            dirs.remove(dirs.size() - 1);
        }
    }

    @Override
    public synchronized void remove(Path dir) {
        dirs.remove(dir.toAbsolutePath().normalize());
    }
}
