package org.rankadaptor.search;

import java.util.Arrays;

/**
 * One completed evaluation of the search, as kept in the {@link SearchJournal}.
 *
 * @param index     0-based position in the run; baseline and initial samples come first
 * @param kind      why this configuration was measured
 * @param ranks     full per-layer rank vector
 * @param predicted performance-model prediction before measuring; NaN when no trained model existed yet
 * @param actual    measured score: the mean over {@code scores}
 * @param seconds   wall time of picking and measuring this configuration
 * @param scores    one score per repeated measurement (repeat r used seed + r); {@code {actual}} for one
 */
public record SearchIteration(int index, Kind kind, int[] ranks, double predicted, double actual, double seconds,
                              double[] scores) {

    public enum Kind {
        /** Uniform reference rank (8) everywhere. */
        BASELINE,
        /** Random initial sample before the model exists. */
        INITIAL,
        /** Picked by the performance model. */
        SEARCH,
        /** Drawn uniformly at random by the random strategy (after the same baseline and initial points). */
        RANDOM,
        /** One configuration of the grid strategy's full enumeration. */
        GRID
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
        scores = scores.clone();
        if (scores.length == 0) {
            throw new SearchException("search iteration " + index + ": needs at least one measured score");
        }
        for (double v : scores) {
            if (!Double.isFinite(v)) {
                throw new SearchException("search iteration " + index + ": repeat score must be finite, got " + v);
            }
        }
    }

    /** One measurement. */
    public SearchIteration(int index, Kind kind, int[] ranks, double predicted, double actual, double seconds) {
        this(index, kind, ranks, predicted, actual, seconds, new double[] {actual});
    }

    /** Repeated measurements; actual is their mean. */
    public static SearchIteration ofRepeats(int index, Kind kind, int[] ranks, double predicted, double[] scores,
                                            double seconds) {
        double sum = 0;
        for (double v : scores) {
            sum += v;
        }
        return new SearchIteration(index, kind, ranks, predicted, sum / Math.max(1, scores.length), seconds, scores);
    }

    @Override
    public double[] scores() {
        return scores.clone();
    }

    public int repeats() {
        return scores.length;
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
                && Double.compare(seconds, s.seconds) == 0 && Arrays.equals(scores, s.scores);
    }

    @Override
    public int hashCode() {
        return index * 31 + Arrays.hashCode(ranks);
    }

    @Override
    public String toString() {
        return "SearchIteration[" + index + " " + kind + " ranks=" + Arrays.toString(ranks) + " predicted=" + predicted
                + " actual=" + actual + " seconds=" + seconds + (scores.length > 1 ? " scores=" + Arrays.toString(scores) : "")
                + "]";
    }
}
