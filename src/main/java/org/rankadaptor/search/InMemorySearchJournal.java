package org.rankadaptor.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** A {@link SearchJournal} held in memory: for tests and for runs that need no persistence. Thread-safe. */
public final class InMemorySearchJournal implements SearchJournal {

    private final List<SearchIteration> iterations = new ArrayList<>();
    private byte[] latestSnapshot;
    private int latestSnapshotIteration = -1;

    @Override
    public synchronized List<SearchIteration> completedIterations() {
        return List.copyOf(iterations);
    }

    @Override
    public synchronized void record(SearchIteration iteration) {
        if (iteration.index() != iterations.size()) {
            throw new SearchException("search journal: expected iteration index " + iterations.size() + ", got "
                    + iteration.index());
        }
        iterations.add(iteration);
    }

    @Override
    public synchronized void saveModelSnapshot(int afterIteration, Supplier<byte[]> snapshot) {
        latestSnapshot = snapshot.get();
        latestSnapshotIteration = afterIteration;
    }

    public synchronized Optional<byte[]> latestModelSnapshot() {
        return Optional.ofNullable(latestSnapshot).map(byte[]::clone);
    }

    public synchronized int latestSnapshotIteration() {
        return latestSnapshotIteration;
    }
}
