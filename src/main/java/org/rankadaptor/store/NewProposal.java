package org.rankadaptor.store;

/**
 * A search proposal about to be sent to a worker: stored PENDING.
 *
 * @param rankVectorJson {"kind": ..., "ranks": [...]} as in search_iterations
 * @param retryOf        the lost proposal this one re-sends, or null
 */
public record NewProposal(int proposalId, String rankVectorJson, Double predicted, Integer retryOf, int attempt) {
    public NewProposal {
        if (proposalId < 0 || attempt < 1) {
            throw new StoreException("proposal id must be >= 0 and attempt >= 1, got " + proposalId + " / " + attempt);
        }
        if (rankVectorJson == null || rankVectorJson.isBlank()) {
            throw new StoreException("rank vector JSON must be given for proposal " + proposalId);
        }
    }
}
