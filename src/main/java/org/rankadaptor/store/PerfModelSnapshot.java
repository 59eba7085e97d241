package org.rankadaptor.store;

import java.time.Instant;

/** The performance model's weights after a search iteration, in the caller's {@code format}. */
public record PerfModelSnapshot(long searchId, int iteration, String format, byte[] weights, Instant created) {
    public PerfModelSnapshot {
        weights = weights.clone();
    }

    @Override
    public byte[] weights() {
        return weights.clone();
    }
}
