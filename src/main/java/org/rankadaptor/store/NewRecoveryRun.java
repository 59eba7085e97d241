package org.rankadaptor.store;

/** A recovery run to queue. {@code pruningRunId} may be null when the model was not pruned here. */
public record NewRecoveryRun(long modelId, Long pruningRunId, RecoveryMethod method, String label,
                             String rankPlanJson, String hyperparamsJson, long seed) {
    public NewRecoveryRun {
        if (method == null) {
            throw new StoreException("recovery method must be given for model " + modelId);
        }
        if (label == null || label.isBlank()) {
            label = method.name();
        }
    }
}
