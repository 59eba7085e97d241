package org.rankadaptor.job;

import org.rankadaptor.model.Placement;
import org.rankadaptor.prune.CalibrationSet;
import org.rankadaptor.prune.DepthPlan;
import org.rankadaptor.prune.PrunePlan;

import java.nio.file.Path;

/**
 * One pruning job: width plan and/or depth plan, calibration samples (null when no estimator needs them), output
 * directory, and where the model runs while it is scored (always float32: Taylor scores need weight gradients).
 */
public record PruneRequest(Path modelDir, PrunePlan plan, DepthPlan depth, CalibrationSet calibration, long seed,
                           Path outDir, Placement placement) {
    public PruneRequest {
        if (plan == null && depth == null) {
            throw new IllegalArgumentException("nothing to prune: give a width plan (layer ranges) or a depth plan");
        }
        placement = placement.withFloat32();
    }

    /** On the CPU. */
    public PruneRequest(Path modelDir, PrunePlan plan, DepthPlan depth, CalibrationSet calibration, long seed,
                        Path outDir) {
        this(modelDir, plan, depth, calibration, seed, outDir, Placement.cpu());
    }
}
