package org.rankadaptor.store;

/** Which accuracy a comparison table shows. */
public enum ComparisonMetric {
    ACC,
    /** Length-normalised accuracy; tasks that have none fall back to plain accuracy. */
    ACC_NORM;

    public Double pick(Evaluation evaluation) {
        if (this == ACC_NORM && evaluation.accNorm() != null) {
            return evaluation.accNorm();
        }
        return evaluation.acc();
    }
}
