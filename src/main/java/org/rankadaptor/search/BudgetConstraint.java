package org.rankadaptor.search;

/**
 * Limit on the total trainable LoRA parameters of a rank configuration, relative to the same model with every
 * layer at {@code referenceRank} ("uniform-8" by default). A configuration with total parameters P is feasible
 * when {@code minFraction * P_ref <= P <= maxFraction * P_ref}.
 */
public record BudgetConstraint(double minFraction, double maxFraction, int referenceRank) {

    public static final int DEFAULT_REFERENCE_RANK = 8;

    public BudgetConstraint {
        if (Double.isNaN(minFraction) || Double.isNaN(maxFraction) || minFraction < 0 || maxFraction < minFraction) {
            throw new SearchException("budget constraint: need 0 <= minFraction <= maxFraction, got ["
                    + minFraction + ", " + maxFraction + "]");
        }
        if (referenceRank <= 0) {
            throw new SearchException("budget constraint: referenceRank must be positive, got " + referenceRank);
        }
    }

    /** No limit at all. */
    public static BudgetConstraint none() {
        return new BudgetConstraint(0, Double.POSITIVE_INFINITY, DEFAULT_REFERENCE_RANK);
    }

    /** Total parameters at most those of uniform {@code referenceRank}. */
    public static BudgetConstraint atMostUniform(int referenceRank) {
        return new BudgetConstraint(0, 1.0, referenceRank);
    }

    /** Total parameters within {@code percent}% (either side) of uniform {@code referenceRank}. */
    public static BudgetConstraint withinPercentOfUniform(double percent, int referenceRank) {
        if (!(percent >= 0)) {
            throw new SearchException("budget constraint: percent must be >= 0, got " + percent);
        }
        return new BudgetConstraint(Math.max(0, 1 - percent / 100.0), 1 + percent / 100.0, referenceRank);
    }

    public boolean isUnconstrained() {
        return minFraction == 0 && maxFraction == Double.POSITIVE_INFINITY;
    }

    public boolean allows(long totalParams, long referenceParams) {
        double p = totalParams;
        return p >= minFraction * referenceParams && p <= maxFraction * referenceParams;
    }
}
