package org.rankadaptor.cli;

import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;
import org.rankadaptor.prune.CalibrationSet;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Small helpers shared by the pruning commands. */
final class CliSupport {
    private CliSupport() {
    }

    /** Calibration samples tokenised with the model's tokenizer, or null when nothing needs them. */
    static CalibrationSet calibration(boolean needed, Path file, Path modelDir, int samples, int seqLen, Long seed) {
        if (!needed) {
            return null;
        }
        if (file == null) {
            throw new IllegalArgumentException("this estimator needs calibration text: pass --calib FILE");
        }
        try (TextTokenizer tokenizer = Tokenizers.load(modelDir)) {
            return CalibrationSet.load(file, tokenizer, samples, seqLen, seed);
        }
    }

    static String format(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.4g", v))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
