package org.rankadaptor.store;

/** A pruning run to queue: the model it prunes, the plan, the importance estimator and calibration text source. */
public record NewPruningRun(long modelId, String planJson, String estimator, String calibrationSource) {
    public NewPruningRun {
        if (planJson == null || planJson.isBlank()) {
            throw new StoreException("pruning plan JSON must be given for model " + modelId);
        }
        if (estimator == null || estimator.isBlank()) {
            throw new StoreException("pruning estimator must be given for model " + modelId);
        }
    }
}
