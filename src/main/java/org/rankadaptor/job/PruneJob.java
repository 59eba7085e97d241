package org.rankadaptor.job;

import org.rankadaptor.stage.StageContext;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.Placement;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.prune.CalibrationSet;
import org.rankadaptor.prune.DepthPruner;
import org.rankadaptor.prune.Estimator;
import org.rankadaptor.prune.ImportanceMaps;
import org.rankadaptor.prune.ImportanceScorer;
import org.rankadaptor.prune.LayerSelection;
import org.rankadaptor.prune.PrunedCheckpoint;
import org.rankadaptor.prune.PruningResult;
import org.rankadaptor.prune.StructuredPruner;
import org.rankadaptor.store.ModelRecord;
import org.rankadaptor.store.NewPruningRun;
import org.rankadaptor.store.Workspace;
import org.rankadaptor.store.PruningRecord;

import java.nio.file.Path;
import java.util.List;

/** Score, prune, save and register: the prune stage as the CLI and the GUI run it. */
public final class PruneJob {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a finished prune produced. {@code pruningRunId} is null when nothing was recorded. */
    public record Outcome(Path outDir, PruningResult result, Long pruningRunId, Long outputModelId) {
    }

    private PruneJob() {
    }

    /** Importance scores only (no pruning), for heatmaps and the importance command. */
    public static ImportanceMaps score(Path modelDir, Estimator estimator, CalibrationSet calibration, long seed,
                                       StageContext ctx) {
        return score(modelDir, Placement.cpu(), estimator, calibration, seed, ctx);
    }

    /** Importance scores with the model on {@code placement}'s device, in float32. */
    public static ImportanceMaps score(Path modelDir, Placement placement, Estimator estimator,
                                       CalibrationSet calibration, long seed, StageContext ctx) {
        try (LlamaModel model = CheckpointLoader.load(modelDir, placement.withFloat32())) {
            return ImportanceScorer.score(model, calibration, estimator, seed, ctx);
        }
    }

    public static Outcome run(PruneRequest request, StageContext ctx, Recording recording) {
        if (recording.workspace().isEmpty()) {
            return new Outcome(request.outDir(), prune(request, ctx), null, null);
        }
        Workspace ws = recording.workspace().get();
        ModelRecord source = ModelCatalog.register(ws, request.modelDir());
        long runId = ws.pruningRuns().create(new NewPruningRun(source.id(), json(request),
                request.plan() == null ? "depth-" + request.depth().method() : request.plan().estimator().cliName(),
                request.calibration() == null ? "none" : json(request.calibration().source()))).id();
        return TrackedRun.run(ws.pruningRuns(), runId, () -> {
            PruningResult result = prune(request, ctx);
            ModelRecord output = ModelCatalog.register(ws, request.outDir());
            ws.pruningRuns().recordResult(runId, new PruningRecord(
                    result.layers() == null ? null : json(result.layers()),
                    result.importance() == null ? null : json(result.importance()),
                    result.parametersBefore(), result.parametersAfter(), output.id()));
            return new Outcome(request.outDir(), result, runId, output.id());
        });
    }

    private static PruningResult prune(PruneRequest request, StageContext ctx) {
        LlamaModel current = CheckpointLoader.load(request.modelDir(), request.placement());
        try {
            long before = current.config().totalParameters();
            ImportanceMaps maps = null;
            List<LayerSelection> selections = null;
            if (request.plan() != null) {
                request.plan().validate(current.config());
                maps = ImportanceScorer.score(current, request.calibration(), request.plan().estimator(), request.seed(), ctx);
                selections = StructuredPruner.select(current.config(), request.plan(), maps);
                if (request.depth() == null) {
                    // written straight from the input model, slice by slice: no second model in memory
                    PruningResult result = new PruningResult(request.plan(), null,
                            request.calibration() == null ? null : request.calibration().source(), selections, null, null,
                            before, StructuredPruner.prunedConfig(current.config(), selections).totalParameters(), maps);
                    PrunedCheckpoint.save(current, selections, request.outDir(), request.modelDir(), result);
                    return result;
                }
                LlamaModel pruned = StructuredPruner.apply(current, selections, ctx);
                current.close();
                current = pruned;
            }
            DepthPruner.Result depth = null;
            if (request.depth() != null) {
                depth = DepthPruner.prune(current, request.depth(), request.calibration(), ctx);
                current.close();
                current = depth.model();
            }
            PruningResult result = new PruningResult(request.plan(), request.depth(),
                    request.calibration() == null ? null : request.calibration().source(), selections,
                    depth == null ? null : depth.removedBlocks(), depth == null ? null : depth.blockScores(),
                    before, current.config().totalParameters(), maps);
            PrunedCheckpoint.save(current, request.outDir(), request.modelDir(), result);
            return result;
        } finally {
            current.close();
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
