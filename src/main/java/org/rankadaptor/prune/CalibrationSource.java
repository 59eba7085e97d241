package org.rankadaptor.prune;

import java.util.List;

/**
 * Where calibration samples came from, recorded in pruning.json.
 *
 * @param shuffleSeed null when the first eligible rows were taken in file order (the reference recipe)
 * @param rows        0-based indices of the rows used, among the file's text rows
 */
public record CalibrationSource(String file, int samples, int seqLen, Long shuffleSeed, List<Integer> rows) {
    public CalibrationSource {
        rows = List.copyOf(rows);
    }
}
