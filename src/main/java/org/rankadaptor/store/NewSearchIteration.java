package org.rankadaptor.store;

/** A search step to commit; {@code predicted} or {@code actual} may be null when not computed. */
public record NewSearchIteration(int iteration, String rankVectorJson, Double predicted, Double actual,
                                 double seconds) {
    public NewSearchIteration {
        if (iteration < 0) {
            throw new StoreException("search iteration index must be >= 0, got " + iteration);
        }
        if (rankVectorJson == null || rankVectorJson.isBlank()) {
            throw new StoreException("rank vector JSON must be given for search iteration " + iteration);
        }
    }
}
