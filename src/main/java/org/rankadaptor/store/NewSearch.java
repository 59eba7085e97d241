package org.rankadaptor.store;

/** A search to queue. */
public record NewSearch(long modelId, String spaceJson, String constraintsJson, String objective,
                        String fidelityJson) {
    public NewSearch {
        if (spaceJson == null || spaceJson.isBlank()) {
            throw new StoreException("search space JSON must be given for model " + modelId);
        }
        if (objective == null || objective.isBlank()) {
            throw new StoreException("search objective must be given for model " + modelId);
        }
    }
}
