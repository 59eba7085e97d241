package org.rankadaptor.search;

import java.util.List;

/**
 * Outcome of a {@link RankSearch} run.
 *
 * @param bestPredictedRanks   the model's argmax over the space (enumerated) or a final large sample
 * @param bestPredictedScore   its predicted score
 * @param bestMeasuredRanks    the measured configuration with the highest actual score
 * @param bestMeasuredScore    that actual score
 * @param bestMeasuredPredicted what the model predicted for it before measuring (NaN for baseline/initial points)
 * @param iterations           every evaluation, resumed ones included, in index order
 * @param resumedIterations    how many of those came from the journal instead of being measured in this call
 * @param stopReason           why the loop ended
 * @param measurementSeconds   sum of the iterations' seconds (pick + measure), across resumes
 * @param wallSeconds          wall time of this call
 * @param modelSnapshot        final performance-model ensemble ({@link PerformanceEnsemble#toBytes()})
 */
public record SearchResult(int[] bestPredictedRanks, double bestPredictedScore, int[] bestMeasuredRanks,
                           double bestMeasuredScore, double bestMeasuredPredicted, List<SearchIteration> iterations,
                           int resumedIterations, StopReason stopReason, double measurementSeconds,
                           double wallSeconds, byte[] modelSnapshot) {

    public enum StopReason {
        /** |predicted - actual| stayed within the threshold for the required streak. */
        CONVERGED,
        /** maxEvaluations reached. */
        BUDGET_EXHAUSTED,
        /** Every feasible configuration has been measured. */
        SPACE_EXHAUSTED
    }

    public SearchResult {
        bestPredictedRanks = bestPredictedRanks.clone();
        bestMeasuredRanks = bestMeasuredRanks.clone();
        iterations = List.copyOf(iterations);
        modelSnapshot = modelSnapshot.clone();
    }

    @Override
    public int[] bestPredictedRanks() {
        return bestPredictedRanks.clone();
    }

    @Override
    public int[] bestMeasuredRanks() {
        return bestMeasuredRanks.clone();
    }

    @Override
    public byte[] modelSnapshot() {
        return modelSnapshot.clone();
    }

    public int evaluations() {
        return iterations.size();
    }

    public boolean converged() {
        return stopReason == StopReason.CONVERGED;
    }
}
