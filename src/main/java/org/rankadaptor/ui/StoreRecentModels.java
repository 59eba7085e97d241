package org.rankadaptor.ui;

import org.rankadaptor.store.ModelRecord;
import org.rankadaptor.store.Workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Recent models: the directories opened here (newest first, from {@code opened}), then the models the workspace store
 * knows (pruned outputs, search and recovery inputs), newest first, as far as they still exist on disk.
 */
public final class StoreRecentModels implements RecentModels {
    private final RecentModels opened;
    private final WorkbenchStore store;

    public StoreRecentModels(RecentModels opened, WorkbenchStore store) {
        this.opened = opened;
        this.store = store;
    }

    @Override
    public List<Path> list() {
        List<Path> dirs = new ArrayList<>(opened.list());
        Workspace ws = store.orNull();
        if (ws != null) {
            List<ModelRecord> models = new ArrayList<>(ws.models().list());
            models.sort(Comparator.comparing(ModelRecord::created).reversed());
            for (ModelRecord model : models) {
                Path dir = Path.of(model.path()).toAbsolutePath().normalize();
                if (dirs.size() >= LIMIT) {
                    break;
                }
                if (!dirs.contains(dir) && Files.isDirectory(dir)) {
                    dirs.add(dir);
                }
            }
        }
        return dirs.size() > LIMIT ? List.copyOf(dirs.subList(0, LIMIT)) : List.copyOf(dirs);
    }

    @Override
    public void add(Path dir) {
        opened.add(dir);
    }

    @Override
    public void remove(Path dir) {
        opened.remove(dir);
    }
}
