package org.rankadaptor.search;

import java.util.Arrays;

/**
 * A configuration the search has asked to be measured, before its score exists. Journals keep one state per
 * proposal: PENDING while it is in flight, DONE once its {@link SearchIteration} is recorded, LOST when the member
 * measuring it vanished; a lost proposal is sent again as a new proposal whose {@code retryOf} names the lost one.
 *
 * @param id        unique within the search, in proposal order; it also seeds this proposal's candidate sample
 * @param kind      why it is measured
 * @param ranks     full per-layer rank vector
 * @param predicted the performance model's prediction when proposed; NaN before the model exists
 * @param retryOf   id of the lost proposal this one re-sends, or -1
 * @param attempt   1 for a first send, 2 for the first retry, ...
 */
public record Proposal(int id, SearchIteration.Kind kind, int[] ranks, double predicted, int retryOf, int attempt) {
    public enum State {
        PENDING, DONE, LOST
    }

    public Proposal {
        if (id < 0 || attempt < 1) {
            throw new SearchException("proposal: id must be >= 0 and attempt >= 1, got id " + id + " attempt " + attempt);
        }
        if (kind == null) {
            throw new SearchException("proposal " + id + ": kind is null");
        }
        ranks = ranks.clone();
    }

    /** A first send. */
    public static Proposal first(int id, SearchIteration.Kind kind, int[] ranks, double predicted) {
        return new Proposal(id, kind, ranks, predicted, -1, 1);
    }

    /** The same configuration sent again under a new id after this proposal was lost. */
    public Proposal retry(int newId) {
        return new Proposal(newId, kind, ranks, predicted, id, attempt + 1);
    }

    @Override
    public int[] ranks() {
        return ranks.clone();
    }

    /** The iteration this proposal becomes once measured. */
    public SearchIteration measured(int index, double actual, double seconds) {
        return new SearchIteration(index, kind, ranks, predicted, actual, seconds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Proposal p && id == p.id && kind == p.kind && Arrays.equals(ranks, p.ranks)
                && Double.compare(predicted, p.predicted) == 0 && retryOf == p.retryOf && attempt == p.attempt;
    }

    @Override
    public int hashCode() {
        return id * 31 + Arrays.hashCode(ranks);
    }

    @Override
    public String toString() {
        return "Proposal[" + id + " " + kind + " ranks=" + Arrays.toString(ranks) + " predicted=" + predicted
                + (retryOf >= 0 ? " retryOf=" + retryOf : "") + " attempt=" + attempt + "]";
    }
}
