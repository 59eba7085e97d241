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
}
