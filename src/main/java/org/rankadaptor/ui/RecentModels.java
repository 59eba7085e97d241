package org.rankadaptor.ui;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint directories opened recently, newest first. The store package can back this later. */
public interface RecentModels {
    int LIMIT = 10;

    List<Path> list();

    /** Moves {@code dir} to the front, dropping the oldest entry beyond {@link #LIMIT}. */
    void add(Path dir);

    void remove(Path dir);
}
