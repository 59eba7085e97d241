package org.rankadaptor.prune;

import org.rankadaptor.model.CheckpointWriter;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;

import java.nio.file.Path;
import java.util.List;

/** A pruned model directory: a standard checkpoint (per-layer dims in config.json) plus pruning.json. */
public final class PrunedCheckpoint {
    private PrunedCheckpoint() {
    }

    /** @param tokenizerSource directory whose tokenizer files are copied along, or null */
    public static void save(LlamaModel pruned, Path outDir, Path tokenizerSource, PruningResult result) {
        long counted = pruned.weights().byHuggingFaceName().values().stream()
                .mapToLong(a -> a.getShape().size()).sum();
        if (counted != pruned.config().totalParameters() || counted != result.parametersAfter()) {
            throw new IllegalStateException("pruned model holds " + counted + " parameters but its config implies "
                    + pruned.config().totalParameters() + " and the record says " + result.parametersAfter());
        }
        CheckpointWriter.save(pruned, outDir, tokenizerSource);
        result.write(outDir.resolve(PruningResult.FILE));
    }

    /**
     * Writes the width-pruned version of {@code source} without building it: each kept slice is copied out of the
     * source when the writer reaches it and closed once written, so the job holds the source plus one tensor.
     */
    public static void save(LlamaModel source, List<LayerSelection> selections, Path outDir, Path tokenizerSource,
                            PruningResult result) {
        LlamaConfig pruned = StructuredPruner.prunedConfig(source.config(), selections);
        if (pruned.totalParameters() != result.parametersAfter()) {
            throw new IllegalStateException("pruned config implies " + pruned.totalParameters()
                    + " parameters but the record says " + result.parametersAfter());
        }
        CheckpointWriter.save(pruned, StructuredPruner.prunedTensors(source, selections), outDir, tokenizerSource);
        result.write(outDir.resolve(PruningResult.FILE));
    }

    public static PruningResult readResult(Path modelDir) {
        return PruningResult.read(modelDir.resolve(PruningResult.FILE));
    }
}
