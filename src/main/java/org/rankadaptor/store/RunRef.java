package org.rankadaptor.store;

import java.util.Objects;

/** Points at one run row: its kind and id. */
public record RunRef(RunKind kind, long id) {
    public RunRef {
        Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String toString() {
        return kind.displayName() + " " + id;
    }
}
