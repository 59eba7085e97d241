package org.rankadaptor.search;

import java.util.List;
import java.util.function.Supplier;

/**
 * Durable record of a search run, so an interrupted run can resume without re-measuring anything.
 * {@link RankSearch} calls {@link #completedIterations()} once at start, then {@link #record} after every
 * measurement (before starting the next one), then optionally {@link #saveModelSnapshot}.
 */
public interface SearchJournal {

    /** Iterations recorded so far, in index order 0..n-1 (empty for a new run). */
    List<SearchIteration> completedIterations();

    /** Durably stores one completed iteration; its index is always the number of iterations already stored. */
    void record(SearchIteration iteration);

    /**
     * Performance-model state after training on iterations 0..{@code afterIteration}; optional to keep. The bytes
     * ({@link PerformanceEnsemble#toBytes()}) are only serialised if the journal calls {@code snapshot.get()}.
     */
    default void saveModelSnapshot(int afterIteration, Supplier<byte[]> snapshot) {
    }
}
