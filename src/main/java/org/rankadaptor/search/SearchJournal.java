package org.rankadaptor.search;

import java.util.List;
import java.util.function.Supplier;

/**
 * Durable record of a search run, so an interrupted run can resume without re-measuring anything.
 * {@link RankSearch} calls {@link #completedIterations()} and {@link #pendingProposals()} once at start, then
 * {@link #proposed} before sending each proposal, {@link #completed} (or {@link #lost}) when it finishes, in
 * completion order, then optionally {@link #saveModelSnapshot}. A journal that keeps no proposals (the default
 * methods) still resumes: it just measures again whatever was in flight.
 */
public interface SearchJournal {

    /** Iterations recorded so far, in index order 0..n-1 (empty for a new run). */
    List<SearchIteration> completedIterations();

    /** Durably stores one completed iteration; its index is always the number of iterations already stored. */
    void record(SearchIteration iteration);

    /** Proposals sent but not finished when the run stopped (state PENDING), in id order; a resume re-sends them. */
    default List<Proposal> pendingProposals() {
        return List.of();
    }

    /** One past the highest proposal id used so far (0 for a new run). */
    default int nextProposalId() {
        return completedIterations().size();
    }

    /** Durably notes {@code proposal} as PENDING before it is sent. */
    default void proposed(Proposal proposal) {
    }

    /** Marks {@code proposal} LOST: whoever measured it vanished; the search re-sends it as a new proposal. */
    default void lost(Proposal proposal, String reason) {
    }

    /** Stores the measured {@code iteration} of {@code proposal} and marks the proposal DONE: both or neither. */
    default void completed(Proposal proposal, SearchIteration iteration) {
        record(iteration);
    }

    /**
     * Performance-model state after training on iterations 0..{@code afterIteration}; optional to keep. The bytes
     * ({@link PerformanceEnsemble#toBytes()}) are only serialised if the journal calls {@code snapshot.get()}.
     */
    default void saveModelSnapshot(int afterIteration, Supplier<byte[]> snapshot) {
    }
}
