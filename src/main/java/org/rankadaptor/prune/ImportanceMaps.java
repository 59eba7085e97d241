package org.rankadaptor.prune;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Group importance per layer, as the pruner and the GUI heatmaps use it.
 *
 * @param attention       [layer][kv group]: one kv head with the query heads sharing it
 * @param mlp             [layer][channel]
 * @param blockTaylor     [layer]: sum |w * g| over every weight of the block (Shortened LLaMA Taylor+), or null when
 *                        the estimator takes no gradients
 * @param calibrationLoss mean next-token loss on the calibration samples, or null when no gradients were taken
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImportanceMaps(Estimator estimator, double[][] attention, double[][] mlp, double[] blockTaylor,
                             Double calibrationLoss) {

    public int numLayers() {
        return attention.length;
    }
}
