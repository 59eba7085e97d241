package org.rankadaptor.prune;

import org.rankadaptor.model.TextTokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * N calibration samples of exactly S tokens each: (BOS + encode(text))[:S] of the first N rows whose encoding has at
 * least S tokens (rows in file order, or shuffled by a seed first). Equal lengths mean no padding, and the mean loss of
 * the batch equals the mean of the per-sample mean losses.
 */
public record CalibrationSet(List<long[]> samples, CalibrationSource source) {
    public static final int DEFAULT_SAMPLES = 10;
    public static final int DEFAULT_SEQ_LEN = 64;

    public CalibrationSet {
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("calibration set from " + source.file() + " is empty");
        }
    }

    public static CalibrationSet load(Path file, TextTokenizer tokenizer, int samples, int seqLen, Long shuffleSeed) {
        if (samples < 1 || seqLen < 2) {
            throw new IllegalArgumentException("calibration needs samples >= 1 and seq len >= 2, got "
                    + samples + " and " + seqLen);
        }
        List<String> rows = TextRows.read(file);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        if (shuffleSeed != null) {
            Collections.shuffle(order, new Random(shuffleSeed));
        }
        List<long[]> chosen = new ArrayList<>();
        List<Integer> used = new ArrayList<>();
        for (int row : order) {
            if (chosen.size() == samples) {
                break;
            }
            long[] ids = TextRows.withBos(tokenizer, rows.get(row));
            if (ids.length >= seqLen) {
                long[] sample = new long[seqLen];
                System.arraycopy(ids, 0, sample, 0, seqLen);
                chosen.add(sample);
                used.add(row);
            }
        }
        if (chosen.size() < samples) {
            throw new IllegalArgumentException(file + ": only " + chosen.size() + " rows have at least " + seqLen
                    + " tokens, " + samples + " calibration samples requested");
        }
        return new CalibrationSet(chosen, new CalibrationSource(file.toString(), samples, seqLen, shuffleSeed, used));
    }

    public int size() {
        return samples.size();
    }

    public int seqLen() {
        return samples.get(0).length;
    }
}
