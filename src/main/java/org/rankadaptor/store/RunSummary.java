package org.rankadaptor.store;

import java.time.Instant;

/** One line of the run list, whatever the kind: e.g. "RANKADAPTOR rank-search-1" or "taylor". */
public record RunSummary(RunRef ref, long modelId, String description, RunStatus status, Instant created,
                         Instant updated) {
}
