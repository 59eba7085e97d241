package org.rankadaptor.store;

/** One logged training step; {@code valLoss} is null on steps without validation. */
public record CurveRecord(int step, double trainLoss, Double valLoss, double learningRate) {
    public CurveRecord {
        if (step < 0) {
            throw new StoreException("training curve step must be >= 0, got " + step);
        }
    }
}
