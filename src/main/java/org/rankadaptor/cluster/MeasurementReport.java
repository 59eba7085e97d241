package org.rankadaptor.cluster;

import java.io.Serializable;

/**
 * What a worker sends back for one proposal: the score, the measurement's wall time and its training-loss curve,
 * or the reason it refused or failed ({@code error} non-null, score NaN).
 */
record MeasurementReport(String key, int proposalId, double score, double seconds, double[] trainLoss, String member,
                         String device, String error) implements Serializable {
    private static final long serialVersionUID = 1L;

    static MeasurementReport failed(String key, int proposalId, String member, String device, String error) {
        return new MeasurementReport(key, proposalId, Double.NaN, 0, new double[0], member, device, error);
    }

    boolean isFailure() {
        return error != null;
    }
}
