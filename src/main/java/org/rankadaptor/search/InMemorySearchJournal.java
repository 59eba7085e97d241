package org.rankadaptor.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.function.Supplier;

/** A {@link SearchJournal} held in memory: for tests and for runs that need no persistence. Thread-safe. */
public final class InMemorySearchJournal implements SearchJournal {

    private final List<SearchIteration> iterations = new ArrayList<>();
    private final Map<Integer, Proposal> proposals = new LinkedHashMap<>();
    private final Map<Integer, Proposal.State> states = new LinkedHashMap<>();
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
    public synchronized List<Proposal> pendingProposals() {
        return proposals.values().stream().filter(p -> states.get(p.id()) == Proposal.State.PENDING).toList();
    }

    @Override
    public synchronized int nextProposalId() {
        return proposals.isEmpty() ? iterations.size() : proposals.keySet().stream().mapToInt(i -> i).max().orElse(-1) + 1;
    }

    @Override
    public synchronized void proposed(Proposal proposal) {
        if (proposals.containsKey(proposal.id())) {
            throw new SearchException("search journal: proposal " + proposal.id() + " was already sent");
        }
        proposals.put(proposal.id(), proposal);
        states.put(proposal.id(), Proposal.State.PENDING);
    }

    @Override
    public synchronized void lost(Proposal proposal, String reason) {
        requirePending(proposal);
        states.put(proposal.id(), Proposal.State.LOST);
    }

    @Override
    public synchronized void completed(Proposal proposal, SearchIteration iteration) {
        requirePending(proposal);
        record(iteration);
        states.put(proposal.id(), Proposal.State.DONE);
    }

    /** Every proposal's state, in id order. */
    public synchronized Map<Integer, Proposal.State> proposalStates() {
        return new TreeMap<>(states);
    }

    /** Every proposal sent, in id order. */
    public synchronized List<Proposal> proposals() {
        return List.copyOf(proposals.values());
    }

    private void requirePending(Proposal proposal) {
        if (states.get(proposal.id()) != Proposal.State.PENDING) {
            throw new SearchException("search journal: proposal " + proposal.id() + " is "
                    + states.getOrDefault(proposal.id(), null) + ", not PENDING");
        }
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
