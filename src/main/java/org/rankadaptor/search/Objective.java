package org.rankadaptor.search;

import org.rankadaptor.stage.StageContext;

/**
 * What the search optimises: the real one fine-tunes LoRA with the given per-layer ranks and evaluates the result.
 * Scores are in the objective's own units (e.g. mean zero-shot accuracy in percentage points), higher is better;
 * the convergence threshold of {@link SearchSettings} is in the same units.
 */
@FunctionalInterface
public interface Objective {
    /**
     * @param ranks one rank per model layer (length = layer count of the search space)
     * @param ctx   progress and cancellation; long work should poll {@code ctx.checkCancelled(...)}
     * @return the measured score, finite
     */
    double measure(int[] ranks, StageContext ctx);

    /**
     * The {@code repeat}-th measurement of the same configuration, with its own seed (the objective's seed +
     * repeat), so repeats show the seed noise. Repeat 0 is {@link #measure(int[], StageContext)}. An objective
     * without a seed is deterministic and returns the same score every time (zero noise).
     */
    default double measure(int[] ranks, int repeat, StageContext ctx) {
        return measure(ranks, ctx);
    }
}
