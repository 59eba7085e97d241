package org.rankadaptor.prune;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything pruning.json records about how a checkpoint was pruned. Layer indices are 0-based here (the CLI's
 * ranges are 1-based).
 *
 * @param plan            width plan, or null when only depth pruning ran
 * @param depth           depth plan, or null when no blocks were removed
 * @param calibration     calibration samples used, or null when no estimator needed them
 * @param layers          per layer of the source model: kept and removed groups (null without width pruning)
 * @param removedBlocks   blocks removed by depth pruning, indexed in the width-pruned model (null without depth)
 * @param blockScores     depth criterion per block: Taylor+ score or perplexity without it (null without depth)
 * @param importance      width importance maps (null without width pruning)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PruningResult(PrunePlan plan, DepthPlan depth, CalibrationSource calibration,
                            List<LayerSelection> layers, List<Integer> removedBlocks, double[] blockScores,
                            long parametersBefore, long parametersAfter, ImportanceMaps importance) {
    public static final String FILE = "pruning.json";

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public void write(Path file) {
        try {
            JSON.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static PruningResult read(Path file) {
        try {
            return JSON.readValue(file.toFile(), PruningResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pruning record " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes importance maps alone (the importance command's output). */
    public static void writeMaps(ImportanceMaps maps, Path file) {
        try {
            JSON.writeValue(file.toFile(), maps);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static ImportanceMaps readMaps(Path file) {
        try {
            return JSON.readValue(file.toFile(), ImportanceMaps.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read importance maps " + file + ": " + e.getMessage(), e);
        }
    }
}
