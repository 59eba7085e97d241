package org.rankadaptor.store;

import java.time.Instant;

/**
 * One stored search proposal. {@code iteration} is the search iteration it became (DONE only); {@code note} says
 * why it was lost.
 */
public record ProposalRecord(long searchId, int proposalId, String rankVectorJson, Double predicted, Integer retryOf,
                             int attempt, ProposalState state, Integer iteration, String note, Instant created,
                             Instant updated) {
}
