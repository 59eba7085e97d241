package org.rankadaptor.store;

/** What a finished pruning run produced; {@code outputModelId} is the pruned model's row, if saved. */
public record PruningRecord(String groupsJson, String importanceJson, long paramsBefore, long paramsAfter,
                            Long outputModelId) {
    public PruningRecord {
        if (paramsAfter > paramsBefore) {
            throw new StoreException("params after pruning (" + paramsAfter + ") exceed params before ("
                    + paramsBefore + ")");
        }
    }
}
