package org.rankadaptor.search;

/**
 * LoRA alpha for a given rank: {@code multiplier * rank} (the RankAdaptor default is 2 * rank), or one fixed value
 * for every layer when {@code fixedAlpha} is positive.
 */
public record AlphaRule(double multiplier, int fixedAlpha) {

    public AlphaRule {
        if (fixedAlpha < 0 || (fixedAlpha == 0 && !(multiplier > 0))) {
            throw new SearchException("alpha rule: need a positive multiplier or a positive fixed alpha, got "
                    + multiplier + ", " + fixedAlpha);
        }
    }

    public static AlphaRule twiceRank() {
        return new AlphaRule(2.0, 0);
    }

    public static AlphaRule proportional(double multiplier) {
        return new AlphaRule(multiplier, 0);
    }

    public static AlphaRule fixed(int alpha) {
        return new AlphaRule(0, alpha);
    }

    public int alphaFor(int rank) {
        return fixedAlpha > 0 ? fixedAlpha : (int) Math.round(multiplier * rank);
    }
}
