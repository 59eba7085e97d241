package org.rankadaptor.store;

import java.time.Instant;

/**
 * One LoRA / AdaLoRA / RankAdaptor recovery run on {@code modelId}, optionally tied to the pruning run that
 * made it. {@code label} tells runs of the same method apart in comparisons.
 */
public record RecoveryRun(long id, long modelId, Long pruningRunId, RecoveryMethod method, String label,
                          String rankPlanJson, String hyperparamsJson, long seed, RunStatus status,
                          String adapterPath, Long trainableParams, String error, Instant created, Instant updated,
                          Instant heartbeat, Long ownerPid) {
    public RunRef ref() {
        return new RunRef(RunKind.RECOVERY, id);
    }
}
