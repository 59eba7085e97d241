package org.rankadaptor.search;

import java.util.Arrays;

/**
 * One completed evaluation of the search, as kept in the {@link SearchJournal}.
 *
 * @param index     0-based position in the run; baseline and initial samples come first
 * @param kind      why this configuration was measured
 * @param ranks     full per-layer rank vector
 * @param predicted performance-model prediction before measuring; NaN when no trained model existed yet
 * @param actual    measured score
 * @param seconds   wall time of picking and measuring this configuration
 */
public record SearchIteration(int index, Kind kind, int[] ranks, double predicted, double actual, double seconds) {

    public enum Kind {
        /** Uniform reference rank (8) everywhere. */
        BASELINE,
        /** Random initial sample before the model exists. */
        INITIAL,
        /** Picked by the performance model. */
        SEARCH
    }

    public SearchIteration {
        if (index < 0) {
            throw new SearchException("search iteration: index must be >= 0, got " + index);
        }
        if (kind == null) {
            throw new SearchException("search iteration " + index + ": kind is null");
        }
        ranks = ranks.clone();
        if (Double.isNaN(actual) || Double.isInfinite(actual)) {
            throw new SearchException("search iteration " + index + ": actual score must be finite, got " + actual);
        }
    }

    @Override
    public int[] ranks() {
        return ranks.clone();
    }

    /** |predicted - actual|, NaN without a prediction. */
    public double absoluteError() {
        return Math.abs(predicted - actual);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchIteration s && index == s.index && kind == s.kind && Arrays.equals(ranks, s.ranks)
                && Double.compare(predicted, s.predicted) == 0 && Double.compare(actual, s.actual) == 0
                && Double.compare(seconds, s.seconds) == 0;
    }

    @Override
    public int hashCode() {
        return index * 31 + Arrays.hashCode(ranks);
    }

    @Override
    public String toString() {
        return "SearchIteration[" + index + " " + kind + " ranks=" + Arrays.toString(ranks) + " predicted=" + predicted
                + " actual=" + actual + " seconds=" + seconds + "]";
    }
}
