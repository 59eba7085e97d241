package org.rankadaptor.job;

import org.rankadaptor.prune.CalibrationSet;
import org.rankadaptor.prune.DepthPlan;
import org.rankadaptor.prune.PrunePlan;

import java.nio.file.Path;

/**
 * One pruning job: width plan and/or depth plan, calibration samples (null when no estimator needs them), output
 * directory.
 */
public record PruneRequest(Path modelDir, PrunePlan plan, DepthPlan depth, CalibrationSet calibration, long seed,
                           Path outDir) {
    public PruneRequest {
        if (plan == null && depth == null) {
            throw new IllegalArgumentException("nothing to prune: give a width plan (layer ranges) or a depth plan");
        }
    }
}
