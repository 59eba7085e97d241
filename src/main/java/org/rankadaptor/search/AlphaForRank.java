package org.rankadaptor.search;

import org.rankadaptor.lora.LoraSettings;

/**
 * LoRA alpha for a given rank: {@code multiplier * rank} (the RankAdaptor default is 2 * rank), or one fixed value
 * for every layer when {@code fixedAlpha} is positive.
 */
public record AlphaForRank(double multiplier, int fixedAlpha) {

    public AlphaForRank {
        if (fixedAlpha < 0 || (fixedAlpha == 0 && !(multiplier > 0))) {
            throw new SearchException("alpha rule: need a positive multiplier or a positive fixed alpha, got "
                    + multiplier + ", " + fixedAlpha);
        }
    }

    public static AlphaForRank twiceRank() {
        return new AlphaForRank(2.0, 0);
    }

    public static AlphaForRank proportional(double multiplier) {
        return new AlphaForRank(multiplier, 0);
    }

    public static AlphaForRank fixed(int alpha) {
        return new AlphaForRank(0, alpha);
    }

    /** The rule a search's LoRA settings train with: 2 x rank, or their one fixed alpha (rounded). */
    public static AlphaForRank of(LoraSettings lora) {
        return lora.alphaRule() == LoraSettings.AlphaRule.TWICE_RANK ? twiceRank() : fixed((int) Math.round(lora.alpha()));
    }

    public int alphaFor(int rank) {
        return fixedAlpha > 0 ? fixedAlpha : (int) Math.round(multiplier * rank);
    }
}
