package org.rankadaptor.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/** Recent models remembered across runs in the user's Java preferences (one key per slot). */
public final class PreferencesRecentModels implements RecentModels {
    private static final String KEY_PREFIX = "recent.";
    private final Preferences node;
    private final InMemoryRecentModels cache = new InMemoryRecentModels();

    public PreferencesRecentModels() {
        this(Preferences.userNodeForPackage(PreferencesRecentModels.class).node("recentModels"));
    }

    public PreferencesRecentModels(Preferences node) {
        this.node = node;
        List<Path> stored = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            String value = node.get(KEY_PREFIX + i, null);
            if (value != null && !value.isBlank()) {
                stored.add(Path.of(value));
            }
        }
        for (int i = stored.size() - 1; i >= 0; i--) {
            cache.add(stored.get(i));
        }
    }

    @Override
    public List<Path> list() {
        return cache.list();
    }

    @Override
    public synchronized void add(Path dir) {
        cache.add(dir);
        save();
    }

    @Override
    public synchronized void remove(Path dir) {
        cache.remove(dir);
        save();
    }

    private void save() {
        List<Path> dirs = cache.list();
        for (int i = 0; i < LIMIT; i++) {
            if (i < dirs.size()) {
                node.put(KEY_PREFIX + i, dirs.get(i).toString());
            } else {
                node.remove(KEY_PREFIX + i);
            }
        }
        try {
            node.flush();
        } catch (BackingStoreException e) {
            // the list still works for this session; preferences are a convenience
        }
    }
}
