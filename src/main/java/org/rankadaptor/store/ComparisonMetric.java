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

    /** The standard error of the score {@link #pick} returns, null when not stored. */
    Double pickStandardError(Evaluation evaluation) {
        if (this == ACC_NORM && evaluation.accNorm() != null) {
            return evaluation.accNormStderr();
        }
        return evaluation.accStderr();
    }

    /** The per-document item metric behind the score of this evaluation ("acc" or "acc_norm"). */
    public String itemMetric(Evaluation evaluation) {
        return this == ACC_NORM && evaluation.accNorm() != null ? "acc_norm" : "acc";
    }
}
