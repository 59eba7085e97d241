package org.rankadaptor.search;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * One measured rank configuration: which model, how it was pruned, the per-layer ranks, and one score per task.
 *
 * @param source  where it came from, e.g. "runs.jsonl:12", for error messages
 * @param model   model id or path
 * @param pruning free-form pruning description (e.g. ratio, method, per-layer "keptFraction" array); may be empty
 * @param ranks   one rank per layer
 * @param scores  task name -> score in that task's units
 */
public record Measurement(String source, String model, JsonNode pruning, int[] ranks, Map<String, Double> scores) {

    public Measurement {
        ranks = ranks.clone();
        pruning = pruning.deepCopy();
        scores = java.util.Collections.unmodifiableMap(new TreeMap<>(scores));
    }

    @Override
    public int[] ranks() {
        return ranks.clone();
    }

    @Override
    public JsonNode pruning() {
        return pruning.deepCopy();
    }

    /** Groups rows measured on the same model pruned the same way. */
    String groupKey() {
        return model + " " + pruning.toString();
    }

    /** Per-layer pruning features: the "keptFraction" (or "kept_fraction") array of the pruning object. */
    float[] keptFractions() {
        JsonNode kept = pruning.has("keptFraction") ? pruning.get("keptFraction") : pruning.get("kept_fraction");
        if (kept == null || !kept.isArray()) {
            throw new MeasurementFormatException(source + ": pruning features requested but 'pruning.keptFraction'"
                    + " is missing or not an array");
        }
        float[] out = new float[kept.size()];
        for (int i = 0; i < out.length; i++) {
            if (!kept.get(i).isNumber()) {
                throw new MeasurementFormatException(source + ": pruning.keptFraction[" + i + "] is not a number");
            }
            out[i] = (float) kept.get(i).asDouble();
        }
        return out;
    }

    @Override
    public String toString() {
        return "Measurement[" + source + " model=" + model + " ranks=" + Arrays.toString(ranks) + " scores=" + scores
                + "]";
    }
}
