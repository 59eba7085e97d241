package org.rankadaptor.ui;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecentModelsTest {
    @Test
    void newestFirstWithoutDuplicatesAndLimited() {
        InMemoryRecentModels recent = new InMemoryRecentModels();
        for (int i = 0; i < RecentModels.LIMIT + 3; i++) {
            recent.add(Path.of("/m/" + i));
        }
        recent.add(Path.of("/m/5/../5"));
        List<Path> list = recent.list();
        assertEquals(RecentModels.LIMIT, list.size());
        assertEquals(Path.of("/m/5"), list.get(0));
        assertEquals(Path.of("/m/12"), list.get(1));
        recent.remove(Path.of("/m/5"));
        assertEquals(Path.of("/m/12"), recent.list().get(0));
    }

    @Test
    void preferencesSurviveANewInstance() throws Exception {
        Preferences node = Preferences.userRoot().node("rankadaptor-test-" + System.nanoTime());
        try {
            PreferencesRecentModels first = new PreferencesRecentModels(node);
            first.add(Path.of("/a"));
            first.add(Path.of("/b"));
            first.add(Path.of("/a"));
            assertEquals(List.of(Path.of("/a"), Path.of("/b")), new PreferencesRecentModels(node).list());
            first.remove(Path.of("/b"));
            assertEquals(List.of(Path.of("/a")), new PreferencesRecentModels(node).list());
        } finally {
            node.removeNode();
        }
    }
}
