package org.rankadaptor.store;

import java.time.Instant;

/**
 * A RankAdaptor rank search: the rank space, constraints (e.g. a parameter budget), the objective it
 * maximises, its fidelity settings, and the final result once done. All JSON is the caller's.
 */
public record Search(long id, long modelId, String spaceJson, String constraintsJson, String objective,
                     String fidelityJson, RunStatus status, String resultJson, String error, Instant created,
                     Instant updated, Instant heartbeat, Long ownerPid) {
    public RunRef ref() {
        return new RunRef(RunKind.SEARCH, id);
    }
}
