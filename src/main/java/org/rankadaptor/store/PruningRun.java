package org.rankadaptor.store;

import java.time.Instant;

/**
 * One structured-pruning run. JSON columns hold what the prune stage wrote: the plan, the per-layer kept and
 * removed groups, and the importance maps. Result fields are null until {@link PruningRunRepository#recordResult}.
 */
public record PruningRun(long id, long modelId, String planJson, String estimator, String calibrationSource,
                         String groupsJson, String importanceJson, Long paramsBefore, Long paramsAfter,
                         Long outputModelId, RunStatus status, String error, Instant created, Instant updated,
                         Instant heartbeat, Long ownerPid) {
    public RunRef ref() {
        return new RunRef(RunKind.PRUNING, id);
    }
}
