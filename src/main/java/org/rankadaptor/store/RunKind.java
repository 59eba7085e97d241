package org.rankadaptor.store;

/** The three kinds of long-running work the store tracks; they share one id sequence so a run id is unique. */
public enum RunKind {
    PRUNING("pruning_runs", "pruning run", "pruning runs"),
    RECOVERY("recovery_runs", "recovery run", "recovery runs"),
    SEARCH("searches", "search", "searches");

    private final String table;
    private final String displayName;
    private final String pluralName;

    RunKind(String table, String displayName, String pluralName) {
        this.table = table;
        this.displayName = displayName;
        this.pluralName = pluralName;
    }

    String table() {
        return table;
    }

    public String displayName() {
        return displayName;
    }

    String pluralName() {
        return pluralName;
    }

    static RunKind parse(String value, String where) {
        try {
            return RunKind.valueOf(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StoreException("unknown run kind '" + value + "' in " + where);
        }
    }
}
