package org.rankadaptor.store;

/** The three kinds of long-running work the store tracks; they share one id sequence so a run id is unique. */
public enum RunKind {
    PRUNING("pruning_runs", "pruning run"),
    RECOVERY("recovery_runs", "recovery run"),
    SEARCH("searches", "search");

    private final String table;
    private final String displayName;

    RunKind(String table, String displayName) {
        this.table = table;
        this.displayName = displayName;
    }

    String table() {
        return table;
    }

    public String displayName() {
        return displayName;
    }

    static RunKind parse(String value, String where) {
        try {
            return RunKind.valueOf(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StoreException("unknown run kind '" + value + "' in " + where);
        }
    }
}
