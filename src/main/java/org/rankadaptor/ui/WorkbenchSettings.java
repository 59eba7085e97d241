package org.rankadaptor.ui;

import javafx.beans.property.Property;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The last settings of every screen and the last open model, kept in {@value #FILE} in the workspace folder, so a
 * restart comes back as it was left. Screens register their form properties with {@link #track}; once the workspace
 * is open the saved values are applied, and every later change is written on a background thread (never the FX one).
 * A value that no longer parses (an older version, a hand edit) is skipped with a log line, never half-applied.
 */
public final class WorkbenchSettings {
    public static final String FILE = "workbench-settings.properties";
    /** Key of the model directory open when the workbench last ran. */
    public static final String LAST_MODEL = "model.lastOpened";

    private final LogConsole log;
    private final Map<String, Tracked<?>> tracked = new LinkedHashMap<>();
    private final Properties values = new Properties();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "workbench-settings");
        t.setDaemon(true);
        return t;
    });
    private final java.util.List<Runnable> afterLoad = new java.util.ArrayList<>();
    private Path file;
    private boolean applying;

    private record Tracked<T>(Property<T> property, Function<T, String> write, Function<String, T> read) {
        void apply(String text) {
            property.setValue(read.apply(text));
        }

        String current() {
            T value = property.getValue();
            return value == null ? null : write.apply(value);
        }
    }

    WorkbenchSettings(LogConsole log) {
        this.log = log;
    }

    /** Follows {@code property} under {@code key}; {@code read} may throw on text it cannot read. FX thread. */
    public <T> void track(String key, Property<T> property, Function<T, String> write, Function<String, T> read) {
        Tracked<T> entry = new Tracked<>(property, write, read);
        if (tracked.put(key, entry) != null) {
            throw new IllegalArgumentException("setting " + key + " is tracked twice");
        }
        if (file != null) {
            applyOne(key, entry);
        }
        property.addListener((obs, old, v) -> changed(key, entry));
    }

    public void trackText(String key, Property<String> property) {
        track(key, property, s -> s, s -> s);
    }

    public void trackInteger(String key, Property<Integer> property) {
        track(key, property, String::valueOf, Integer::valueOf);
    }

    public void trackReal(String key, Property<Double> property) {
        track(key, property, String::valueOf, Double::valueOf);
    }

    public void trackFlag(String key, Property<Boolean> property) {
        track(key, property, String::valueOf, Boolean::valueOf);
    }

    public <E extends Enum<E>> void trackChoice(String key, Property<E> property, Class<E> type) {
        track(key, property, Enum::name, s -> Enum.valueOf(type, s));
    }

    /** Tracks every numeric item of a hyper-parameter sheet under {@code prefix + item name}. */
    public void trackSheet(String prefix, Iterable<? extends SheetItem<?>> items) {
        for (SheetItem<?> item : items) {
            trackItem(prefix + item.getName().replaceAll("[^A-Za-z0-9]", ""), item);
        }
    }

    @SuppressWarnings("unchecked")
    private void trackItem(String key, SheetItem<?> item) {
        Class<?> type = item.getType();
        if (type == Integer.class) {
            trackInteger(key, (Property<Integer>) item.property());
        } else if (type == Double.class) {
            trackReal(key, (Property<Double>) item.property());
        } else if (type == Boolean.class) {
            trackFlag(key, (Property<Boolean>) item.property());
        } else if (type == String.class) {
            trackText(key, (Property<String>) item.property());
        }
    }

    /** A saved value that is not a form field (the last open model). */
    public String get(String key) {
        return values.getProperty(key);
    }

    public void put(String key, String value) {
        if (value == null) {
            values.remove(key);
        } else {
            values.setProperty(key, value);
        }
        save();
    }

    /** Runs {@code action} once the saved settings are applied (at once when they already are). FX thread. */
    public void whenLoaded(Runnable action) {
        if (file != null) {
            action.run();
        } else {
            afterLoad.add(action);
        }
    }

    /** Reads the workspace's file and applies it to every tracked field, then runs the {@link #whenLoaded} actions. */
    void load(Path workspaceDir) {
        file = workspaceDir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                values.load(in);
            } catch (IOException | IllegalArgumentException e) {
                log.append("settings file " + file + " unreadable, starting from defaults: " + e.getMessage());
            }
        }
        tracked.forEach(this::applyOne);
        afterLoad.forEach(Runnable::run);
        afterLoad.clear();
    }

    private void applyOne(String key, Tracked<?> entry) {
        String text = values.getProperty(key);
        if (text == null) {
            return;
        }
        applying = true;
        try {
            entry.apply(text);
        } catch (RuntimeException e) {
            log.append("setting " + key + " = '" + text + "' skipped: " + ErrorMessages.describe(e));
        } finally {
            applying = false;
        }
    }

    private void changed(String key, Tracked<?> entry) {
        if (applying) {
            return;
        }
        String text = entry.current();
        if (text == null) {
            values.remove(key);
        } else {
            values.setProperty(key, text);
        }
        save();
    }

    private void save() {
        Path target = file;
        if (target == null) {
            return; // no workspace (yet): nothing to write to
        }
        Properties snapshot = new Properties();
        snapshot.putAll(values);
        writer.execute(() -> {
            Path temp = target.resolveSibling(FILE + ".tmp");
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                snapshot.store(out, "RankAdaptor Workbench: last settings of each screen");
            } catch (IOException e) {
                log.append("cannot save settings to " + target + ": " + e.getMessage());
                return;
            }
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                log.append("cannot save settings to " + target + ": " + e.getMessage());
            }
        });
    }

    /** Waits for pending writes (window closing). */
    void flush() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
