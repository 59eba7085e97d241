package org.rankadaptor.store;

import java.util.List;

/** One step of the schema: applied once, in version order, and recorded in {@code schema_version}. */
public record Migration(int version, String description, List<String> statements) {
    public Migration {
        if (version < 1) {
            throw new IllegalArgumentException("migration version must be >= 1, got " + version);
        }
        statements = List.copyOf(statements);
    }
}
