package org.rankadaptor.store;

import java.time.Instant;

/** One committed search step: the rank vector tried, the performance model's prediction and the measured score. */
public record IterationRecord(long searchId, int iteration, String rankVectorJson, Double predicted, Double actual,
                              double seconds, Instant created) {
}
