package org.rankadaptor.cli;

import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;
import org.rankadaptor.prune.CalibrationSet;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Calibration text options shared by the importance and prune commands. */
public class CalibrationOptions {
    @Option(names = "--calib", paramLabel = "FILE", description = "calibration text: JSONL with a \"text\" field, or plain text lines")
    Path file;

    @Option(names = "--samples", defaultValue = "" + CalibrationSet.DEFAULT_SAMPLES, description = "calibration samples (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--seq-len", defaultValue = "" + CalibrationSet.DEFAULT_SEQ_LEN, description = "tokens per sample, BOS included (default ${DEFAULT-VALUE})")
    int seqLen;

    @Option(names = "--calib-seed", description = "shuffle the rows with this seed before taking samples (default: first rows in file order)")
    Long seed;

    /** Calibration samples tokenised with the model's tokenizer. */
    CalibrationSet load(Path modelDir) {
        if (file == null) {
            throw new IllegalArgumentException("this estimator needs calibration text: pass --calib FILE");
        }
        try (TextTokenizer tokenizer = Tokenizers.load(modelDir)) {
            return CalibrationSet.load(file, tokenizer, samples, seqLen, seed);
        }
    }
}
